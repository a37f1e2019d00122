"""Admin pieces shared by every app: shop scoping, per-object permissions and the audited, themed
base class.

What a user may do on an object is decided by the roles they hold in THAT object's pizzeria
(account.roles.has_shop_perm), never by the union of their roles in every shop: a pizzaiolo in
Bastille who manages Levallois reads Bastille's page and manages Levallois only.
"""
import copy

from django.contrib import messages
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.contrib.auth import get_permission_codename
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin
from unfold.admin import ModelAdmin

from account.roles import has_shop_perm, is_head_office, pizzerias_with_perm
from pizzeria.models import Pizzeria


def _perm(opts, action):
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


class BusinessAdmin(PerObjectDeleteMixin, SimpleHistoryAdmin, ModelAdmin):
    """Themed by unfold, audited by simple-history (history readable from each object's page).

    The history is read-only for everyone (issue 13 C1): the list of changes (who, when, before
    and after) and each past version are shown to whoever may view the object, and nothing is
    ever saved through simple-history's version page. Data changes only through the change
    form, the workflow buttons and the services, which validate and audit it.
    """

    list_per_page = 50
    warn_unsaved_form = True

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
        if self._history_read_only(request):
            kwargs["fields"] = []  # nothing to submit: the page shows values, it has no inputs
        return super().get_form(request, obj, change=change, **kwargs)

    def revert_disabled(self, request, obj=None):
        return True  # no "Revert" button: a revert would bypass the form's and services' rules

    def has_change_history_permission(self, request, obj=None):
        return False


class ShopScopedAdminMixin:
    """Limits an admin to the rows of the user's pizzerias, in querysets, object URLs, choices and
    permissions, each decided by the roles the user holds in the row's own pizzeria.

    A row of another shop asked for by URL is a 404, not a redirect with a message, so that
    guessing ids teaches nothing.
    """

    shop_path = "pizzeria"  # lookup from the model to its Pizzeria; "" for Pizzeria itself

    def _perm(self, action):
        return _perm(self.opts, action)

    def shop_of(self, obj):
        """The id of the pizzeria `obj` belongs to (None for an unsaved row without one)."""
        if not self.shop_path:
            return obj.pk
        *path, last = self.shop_path.split("__")
        for part in path:
            obj = getattr(obj, part, None)
            if obj is None:
                return None
        return getattr(obj, f"{last}_id", None)

    def _may_in_shop(self, request, obj, *actions):
        shop = self.shop_of(obj)
        return any(has_shop_perm(request.user, self._perm(action), shop) for action in actions)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if is_head_office(request.user):
            return queryset
        shops = pizzerias_with_perm(request.user, self._perm("view"), self._perm("change"))
        lookup = f"{self.shop_path}__in" if self.shop_path else "pk__in"
        return queryset.filter(**{lookup: shops})

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404("No such object in your pizzerias.")
        return obj

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj)
        return allowed and (obj is None or self._may_in_shop(request, obj, "view", "change"))

    def has_add_permission(self, request):
        allowed = super().has_add_permission(request)
        return allowed and (is_head_office(request.user) or bool(pizzerias_with_perm(request.user, self._perm("add"))))

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or self._may_in_shop(request, obj, "change"))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or self._may_in_shop(request, obj, "delete"))

    def _shops_for(self, request, *actions):
        if is_head_office(request.user):
            return Pizzeria.objects.all()
        return Pizzeria.objects.filter(pk__in=pizzerias_with_perm(request.user, *map(self._perm, actions)))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Pizzeria:
            kwargs["queryset"] = self._shops_for(request, "add", "change")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        field = form.base_fields.get(self.shop_path) if self.shop_path and "__" not in self.shop_path else None
        if field is not None:
            # A new row goes to a shop where the user's role there may add; a row is moved only
            # to a shop where it may change. The choice is checked on submit by the field itself.
            field.queryset = self._shops_for(request, "change" if obj is not None else "add")
        return form


class ShopInlineMixin:
    """An inline on the page of an object of one pizzeria (the pizzeria itself, an order): what
    the user may do with its rows is decided by their roles in that pizzeria."""

    parent_shop_path = ""  # from the parent object to its Pizzeria id; "" when it is a Pizzeria

    def _may_in_shop(self, request, obj, *actions):
        if obj is None:
            return True  # the parent's add page: the parent admin decides
        shop = getattr(obj, f"{self.parent_shop_path}_id") if self.parent_shop_path else obj.pk
        return any(has_shop_perm(request.user, _perm(self.opts, action), shop) for action in actions)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._may_in_shop(request, obj, "view", "change")

    def has_add_permission(self, request, obj):
        return super().has_add_permission(request, obj) and self._may_in_shop(request, obj, "add")

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_in_shop(request, obj, "change")

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_in_shop(request, obj, "delete")


class HeadOfficeWriteMixin:
    """Shared reference data (menu, users): everyone with the permission may read, head office writes."""

    def has_add_permission(self, request, *args):
        return is_head_office(request.user) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return is_head_office(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return is_head_office(request.user) and super().has_delete_permission(request, obj)


class ReadOnlyAdminMixin:
    """A record written only by services (ledger, payments, Stripe events): read, never added,
    changed or deleted through the admin."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
