"""Admin pieces shared by every app's admin: the audited, themed base class (BusinessAdmin) with
per-object delete and a read-only history, and HeadOfficeWriteMixin for shared reference data.

Here, in the project package, because the admins of every layer use them (account and product
as well as pizzeria and order): kept in pizzeria, they made the menu and the accounts depend on
the shops. They need only Django, unfold, simple-history and account.roles. The shop-scoped
mixins, which need the Pizzeria model, are pizzeria.admin_mixins.
"""
import copy

from django import forms
from django.contrib import messages
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.contrib.auth import get_permission_codename
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper
from unfold.admin import ModelAdmin

from account.roles import is_head_office


def permission_name(opts, action):
    """"app.action_model" for a model's options and an action (view, add, change, delete)."""
    return f"{opts.app_label}.{get_permission_codename(action, opts)}"


def _delete_selected_checked(modeladmin, request, queryset):
    """Django's bulk delete, refused as a whole unless the user may delete every ticked row.

    Django's own action checks the model permission only; per-object rules (a shop's roles, a
    reminder's author) must hold for each row, as they do on each row's delete page.
    """
    refused = [str(obj) for obj in queryset if not modeladmin.has_delete_permission(request, obj)]
    if refused:
        modeladmin.message_user(
            request,
            _("Suppression refusée, rien n'a été supprimé : vous ne pouvez pas supprimer %(objects)s.")
            % {"objects": ", ".join(refused[:10]) + (" …" if len(refused) > 10 else "")},
            messages.ERROR,
        )
        return None
    return delete_selected(modeladmin, request, queryset)


_delete_selected_checked.allowed_permissions = delete_selected.allowed_permissions
_delete_selected_checked.short_description = delete_selected.short_description


class PerObjectDeleteMixin:
    """The bulk delete action and delete_queryset check has_delete_permission(request, obj) per row."""

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            _func, name, description = actions["delete_selected"]
            actions["delete_selected"] = (_delete_selected_checked, name, description)
        return actions

    def delete_queryset(self, request, queryset):
        # Last line of defence for any caller of delete_queryset (the action checks first).
        if any(not self.has_delete_permission(request, obj) for obj in queryset):
            raise PermissionDenied
        super().delete_queryset(request, queryset)


class FrenchHistoryHelper(HistoricalRecordContextHelper):
    """The values of a history page as staff read them (issue 19): a status's label, not its
    code ("En livraison", not "out_for_delivery"); times in Paris, not UTC; "Oui"/"Non"; amounts
    with a decimal comma; "—" for nothing, never "None"."""

    def prepare_delta_change_value(self, change, value):
        import datetime

        from django.utils import formats, timezone

        value = super().prepare_delta_change_value(change, value)
        field = self.model._meta.get_field(change.field)
        if value is None or value == "":
            return "—"
        if getattr(field, "choices", None):
            return str(dict(field.flatchoices).get(value, value))
        if isinstance(value, bool):
            return _("Oui") if value else _("Non")
        if isinstance(value, datetime.datetime):
            if timezone.is_aware(value):
                value = timezone.localtime(value)
            return formats.date_format(value, "d/m/Y H:i")
        if isinstance(value, datetime.date):
            return formats.date_format(value, "d/m/Y")
        if isinstance(value, (int, float)) or value.__class__.__name__ == "Decimal":
            return formats.localize(value)
        return value


class FrenchDecimalField(forms.DecimalField):
    """A decimal typed in the admin (issue 19): a text box, so the browser's locale never reads
    "10,50" as 1050; the French comma and the point both accepted (localize); an empty box
    is the model's default when it has one (an ingredient's low-stock threshold is 0)."""

    def __init__(self, *, empty_default=None, **kwargs):
        self.empty_default = empty_default
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        return self.empty_default if value is None and self.empty_default is not None else value


def decimal_formfield(db_field, **kwargs):
    from unfold.widgets import UnfoldAdminTextInputWidget

    kwargs.update(
        form_class=FrenchDecimalField,
        localize=True,
        widget=UnfoldAdminTextInputWidget(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    if db_field.has_default() and not db_field.null:
        kwargs.update(required=False, empty_default=db_field.get_default())
    return db_field.formfield(**kwargs)


class FrenchDecimalsMixin:
    """Every decimal field of an admin form (and its inlines) through decimal_formfield."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.DecimalField) and not db_field.choices:
            return decimal_formfield(db_field, **kwargs)
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class BusinessAdmin(FrenchDecimalsMixin, PerObjectDeleteMixin, SimpleHistoryAdmin, ModelAdmin):
    """Themed by unfold, audited by simple-history (history readable from each object's page).

    The history is read-only for everyone (issue 13 C1): the list of changes (who, when, before
    and after) and each past version are shown to whoever may view the object, and nothing is
    ever saved through simple-history's version page. Data changes only through the change
    form, the workflow buttons and the services, which validate and audit it.
    """

    list_per_page = 50
    warn_unsaved_form = True

    def get_historical_record_context_helper(self, request, historical_record):
        return FrenchHistoryHelper(self.model, historical_record)

    def history_view(self, request, object_id, extra_context=None):
        # simple-history falls back to the historical rows of an object outside get_queryset()
        # (e.g. a customer's account for a manager): refuse it, as the change view does.
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404("No such object.")
        if not self.has_view_permission(request, obj):
            raise PermissionDenied
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method not in ("GET", "HEAD"):
            # simple-history saves the historical instance as a whole (read-only fields and
            # m2m included) on POST: never let it.
            raise PermissionDenied
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404("No such object.")
        if not self.has_view_permission(request, obj):
            raise PermissionDenied
        # Show the version with every field read-only: the fieldsets the change page shows,
        # without the fields simple-history does not keep (e.g. the password hash).
        history_fields = {f.name for f in self.model.history.model._meta.get_fields()}
        fieldsets = [
            (name, {**options, "fields": [f for f in flatten_fieldsets([(name, options)]) if f in history_fields]})
            for name, options in self.get_fieldsets(request, obj)
        ]
        request._ocpizza_history_fieldsets = [(n, o) for n, o in fieldsets if o["fields"]]
        # simple-history reads prepopulated_fields from the instance: a copy without them for
        # this page, which has no inputs to prepopulate.
        view_admin = copy.copy(self)
        view_admin.prepopulated_fields = {}
        return super(BusinessAdmin, view_admin).history_form_view(request, object_id, version_id, extra_context)

    def _history_read_only(self, request):
        return getattr(request, "_ocpizza_history_fieldsets", None) is not None

    def get_fieldsets(self, request, obj=None):
        if self._history_read_only(request):
            return request._ocpizza_history_fieldsets
        return super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request, obj=None):
        if self._history_read_only(request):
            return flatten_fieldsets(request._ocpizza_history_fieldsets)
        return super().get_readonly_fields(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if not self._history_read_only(request):
            return super().get_form(request, obj, change=change, **kwargs)
        kwargs["fields"] = []  # nothing to submit: the page shows values, it has no inputs
        form = super().get_form(request, obj, change=change, **kwargs)

        class ReadOnlyVersionForm(form):
            """Fields a form declares itself (e.g. the product's "Je confirme ce prix") are not
            model fields: `fields=[]` keeps them, so they are disabled here."""

            def __init__(self, *args, **form_kwargs):
                super().__init__(*args, **form_kwargs)
                for field in self.fields.values():
                    field.disabled = True

        return ReadOnlyVersionForm

    def revert_disabled(self, request, obj=None):
        return True  # no "Revert" button: a revert would bypass the form's and services' rules

    def has_change_history_permission(self, request, obj=None):
        return False


class HeadOfficeWriteMixin:
    """Shared reference data (menu, users): everyone with the permission may read, head office writes."""

    def has_add_permission(self, request, *args):
        return is_head_office(request.user) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return is_head_office(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return is_head_office(request.user) and super().has_delete_permission(request, obj)
