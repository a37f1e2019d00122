"""Admin side of spreadsheet imports/exports (F-ADM-7), mixed into the existing admin classes.

django-import-export gives the pages (upload, preview with each row's create / change / delete,
confirm); this mixin sets unfold's forms, our formats, a size and type check on the upload,
French messages, the links to the templates of fixtures/templates/, and refuses to report
success for an import that was rolled back.
"""
import logging
from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export.admin import ExportActionModelAdmin, ImportExportModelAdmin
from import_export.forms import ConfirmImportForm
from import_export.results import RowResult
from import_export.tmp_storages import MediaStorage
from unfold.contrib.import_export.forms import ExportForm, ImportForm

from account.roles import is_head_office
from product.spreadsheet_formats import IMPORT_FORMATS, FrenchXLSX
from product.spreadsheet_guard import MAX_IMPORT_BYTES, ImportFileError

logger = logging.getLogger(__name__)

TEMPLATES_DIR = settings.REPO_DIR / "fixtures" / "templates"

# issue 13 L2: the confirmation step names the previewed file by this signed token, bound to the
# user, the model and the format; never by a file name the browser could change.
PREVIEW_TOKEN_SALT = "ocpizza.import.preview"
PREVIEW_MAX_AGE = timedelta(hours=2)


def _field_index(value, count):
    """A hidden form's index ("0", "1"...) as an int, or None unless it is one of `count`."""
    text = str(value if value is not None else "")
    return int(text) if text.isascii() and text.isdigit() and int(text) < count else None


class SignedConfirmImportForm(ConfirmImportForm):
    """The preview's confirmation: `import_file_name` is a signed token, not a file name.

    The file is imported only if the token was signed by this server for this user, this
    model, this format and this resource, less than PREVIEW_MAX_AGE ago. A forged, foreign,
    expired or altered token, or a format that is not one of ours, is a French form error.
    """

    def __init__(self, *args, user=None, model_label="", formats_count=0, resources_count=1, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.model_label = model_label
        self.formats_count = formats_count
        self.resources_count = resources_count

    def clean_import_file_name(self):
        try:
            signed = signing.loads(
                self.cleaned_data["import_file_name"], salt=PREVIEW_TOKEN_SALT, max_age=PREVIEW_MAX_AGE
            )
        except signing.SignatureExpired:
            raise forms.ValidationError(_("Cet aperçu a expiré : relancez l'import.")) from None
        except signing.BadSignature:
            raise forms.ValidationError(_("Ce fichier d'import n'est pas celui de votre aperçu : relancez l'import.")) from None
        if not isinstance(signed, dict) or signed.get("user") != getattr(self.user, "pk", None) or signed.get("model") != self.model_label:
            raise forms.ValidationError(_("Ce fichier d'import n'est pas celui de votre aperçu : relancez l'import."))
        self.signed = signed
        return signed["name"]

    def clean_format(self):
        index = _field_index(self.cleaned_data.get("format"), self.formats_count)
        if index is None:
            raise forms.ValidationError(_("Format de fichier inconnu : relancez l'import."))
        return str(index)

    def clean_resource(self):
        index = _field_index(self.cleaned_data.get("resource") or "0", self.resources_count)
        if index is None:
            raise forms.ValidationError(_("Type d'import inconnu : relancez l'import."))
        return str(index)

    def clean(self):
        cleaned = super().clean()
        signed = getattr(self, "signed", None)
        if signed is not None and not self.errors:
            if (signed.get("format"), signed.get("resource")) != (cleaned.get("format"), cleaned.get("resource")):
                raise forms.ValidationError(_("Ce fichier d'import n'est pas celui de votre aperçu : relancez l'import."))
        return cleaned


class SpreadsheetImportForm(ImportForm):
    """unfold's import form, plus the checks that need no reading of the file: size and type."""

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("import_file")
        fmt = cleaned.get("format")
        if upload is None:
            return cleaned
        if upload.size > MAX_IMPORT_BYTES:
            self.add_error(
                "import_file",
                _("Le fichier dépasse la taille maximale de %(max)s Mio.") % {"max": MAX_IMPORT_BYTES // (1024 * 1024)},
            )
            return cleaned
        extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
        if fmt not in (None, ""):
            expected = IMPORT_FORMATS[int(fmt)]().get_extension()
            accepted = {"csv": {"csv", "txt"}, "xlsx": {"xlsx"}}.get(expected, {expected})
            if extension not in accepted:
                self.add_error(
                    "import_file",
                    _("Ce fichier (.%(ext)s) ne correspond pas au format choisi (%(fmt)s) : importez un fichier .csv ou .xlsx.")
                    % {"ext": extension or "?", "fmt": expected.upper()},
                )
        return cleaned


class SpreadsheetAdminMixin(ImportExportModelAdmin, ExportActionModelAdmin):
    """Import and export buttons on a list page. Put it after BusinessAdmin in the bases."""

    import_form_class = SpreadsheetImportForm
    confirm_form_class = SignedConfirmImportForm
    export_form_class = ExportForm
    # The previewed file waits in the "import_export" storage (settings.STORAGES: a private
    # folder every app server worker shares); TempFolderStorage would tie the confirmation to
    # the worker's own /tmp and CacheStorage to a cache the workers do not share.
    tmp_storage_class = MediaStorage
    import_template_name = "admin/import_export/ocpizza_import.html"
    formats = IMPORT_FORMATS
    import_formats = IMPORT_FORMATS
    export_formats = IMPORT_FORMATS
    skip_admin_log = False

    def has_import_permission(self, request):
        # Reference data (menu) is head office's; StockAdmin widens this to managers.
        return is_head_office(request.user)

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    # -- upload, preview and confirmation -------------------------------------------------------

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            initial["format"] = str(initial["format"])
            initial["resource"] = str(initial.get("resource") or "0")
            initial["import_file_name"] = signing.dumps(
                {
                    "name": initial["import_file_name"],
                    "user": request.user.pk,
                    "model": self.model._meta.label,
                    "format": initial["format"],
                    "resource": initial["resource"],
                },
                salt=PREVIEW_TOKEN_SALT,
            )
        return initial

    def get_confirm_form_kwargs(self, request, import_form=None):
        kwargs = super().get_confirm_form_kwargs(request, import_form)
        kwargs.update(
            user=request.user,
            model_label=self.model._meta.label,
            formats_count=len(self.get_import_formats()),
            resources_count=len(self.get_import_resource_classes(request)),
        )
        return kwargs

    def write_to_tmp_storage(self, import_file, input_format):
        tmp_storage = super().write_to_tmp_storage(import_file, input_format)
        self._purge_stale_previews(tmp_storage)
        return tmp_storage

    def _purge_stale_previews(self, tmp_storage):
        """Previews never confirmed are deleted once their token has expired."""
        try:
            storage, folder = tmp_storage._storage, tmp_storage.MEDIA_FOLDER
            limit = timezone.now() - PREVIEW_MAX_AGE
            for name in storage.listdir(folder)[1]:
                if storage.get_modified_time(f"{folder}/{name}") < limit:
                    storage.delete(f"{folder}/{name}")
        except (OSError, NotImplementedError):
            logger.warning("Spreadsheet import: stale previews could not be purged", exc_info=True)

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        # A refused preview cannot be confirmed: its file goes now rather than at expiry.
        context = getattr(response, "context_data", None) or {}
        form = context.get("form")
        upload = getattr(form, "cleaned_data", {}).get("import_file") if form is not None else None
        name = getattr(upload, "tmp_storage_name", None)
        if name and context.get("confirm_form") is None:
            try:
                self.get_tmp_storage_class()(name=name, **self.get_tmp_storage_class_kwargs()).remove()
            except OSError:
                logger.warning("Spreadsheet import: refused preview %s could not be removed", name, exc_info=True)
        return response

    def add_data_read_fail_error_to_form(self, form, error):
        if isinstance(error, ImportFileError):
            form.add_error("import_file", str(error))
        else:
            form.add_error("import_file", _("Impossible de lire ce fichier : vérifiez qu'il s'agit d'un CSV ou d'un classeur XLSX."))

    def get_import_data_kwargs(self, **kwargs):
        kwargs = super().get_import_data_kwargs(**kwargs)
        kwargs.pop("request", None)
        kwargs["rollback_on_validation_errors"] = True
        return kwargs

    def get_import_context_data(self, **kwargs):
        context = super().get_import_context_data(**kwargs)
        info = self.get_model_info()
        context["import_templates"] = [
            (ext.upper(), reverse("admin:%s_%s_import_template" % info, args=[ext])) for ext in ("csv", "xlsx")
        ]
        context["import_docs_path"] = "docs/imports.md"
        return context

    def process_import(self, request, **kwargs):
        try:
            return super().process_import(request, **kwargs)
        except FileNotFoundError:
            # Confirmed twice (double click, back button): the first confirmation consumed the file.
            messages.error(request, _("Ce fichier a déjà été importé ou son aperçu a expiré : relancez l'import si besoin."))
            return HttpResponseRedirect(reverse("admin:%s_%s_changelist" % self.get_model_info()))

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            # The data changed between preview and confirmation: the transaction was rolled back.
            messages.error(request, _("Import annulé, rien n'a été enregistré : le fichier n'est plus valide. Relancez l'import pour voir les erreurs."))
            return HttpResponseRedirect(reverse("admin:%s_%s_import" % self.get_model_info()))
        return super().process_result(result, request)

    def add_success_message(self, result, request):
        totals = result.totals
        messages.success(
            request,
            _("Import terminé : %(new)s créé(s), %(update)s modifié(s), %(delete)s supprimé(s), %(skip)s inchangé(s).")
            % {
                "new": totals[RowResult.IMPORT_TYPE_NEW],
                "update": totals[RowResult.IMPORT_TYPE_UPDATE],
                "delete": totals[RowResult.IMPORT_TYPE_DELETE],
                "skip": totals[RowResult.IMPORT_TYPE_SKIP],
            },
        )

    # -- templates -----------------------------------------------------------------------------

    def get_urls(self):
        info = self.get_model_info()
        return [
            path(
                "import/modele.<str:ext>",
                self.admin_site.admin_view(self.import_template_view),
                name="%s_%s_import_template" % info,
            )
        ] + super().get_urls()

    def import_template_view(self, request, ext):
        if not self.has_import_permission(request):
            raise PermissionDenied
        resource = self.get_import_resource_classes(request)[0]
        if ext not in ("csv", "xlsx"):
            raise Http404
        file_path = TEMPLATES_DIR / f"{resource.template_name}.{ext}"
        if not file_path.exists():
            raise Http404
        return FileResponse(open(file_path, "rb"), as_attachment=True, filename=file_path.name)

    # -- export --------------------------------------------------------------------------------

    def get_export_data(self, file_format, request, queryset, **kwargs):
        if not self.has_export_permission(request):
            raise PermissionDenied
        # Spreadsheet cells get numbers, CSV cells French text ("9,5").
        data = self.get_data_for_export(
            request, queryset, force_native_type=isinstance(file_format, FrenchXLSX), **kwargs
        )
        return file_format.export_data(data)

    def get_valid_export_item_pks(self, request):
        # Rows ticked on the list page: only those the user may see (scoped admins stay scoped).
        return self.get_queryset(request).values_list("pk", flat=True)

    def get_export_filename(self, request, queryset, file_format):
        resource = self.get_export_resource_classes(request)[0]
        return f"{resource.template_name}.{file_format.get_extension()}"

