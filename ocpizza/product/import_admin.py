"""Admin side of spreadsheet imports/exports (F-ADM-7), mixed into the existing admin classes.

django-import-export gives the pages (upload, preview with each row's create / change / delete,
confirm); this mixin sets unfold's forms, our formats, a size and type check on the upload,
French messages, the links to the templates of fixtures/templates/, and refuses to report
success for an import that was rolled back.
"""
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from import_export.admin import ExportActionModelAdmin, ImportExportModelAdmin
from import_export.results import RowResult
from unfold.contrib.import_export.forms import ExportForm, ImportForm

from account.roles import is_head_office
from product.imports import IMPORT_FORMATS, MAX_IMPORT_BYTES, FrenchXLSX, ImportFileError

TEMPLATES_DIR = settings.REPO_DIR / "fixtures" / "templates"


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
    export_form_class = ExportForm
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

    # -- upload and preview --------------------------------------------------------------------

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

