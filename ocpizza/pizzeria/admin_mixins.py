"""Admin pieces shared by every app: shop scoping and the audited, themed base class."""
from django.contrib.admin.utils import unquote
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin
from unfold.admin import ModelAdmin

from account.roles import is_head_office, pizzerias_of
from pizzeria.models import Pizzeria
from pizzeria.selectors import scope_to_user


class BusinessAdmin(SimpleHistoryAdmin, ModelAdmin):
    """Themed by unfold, audited by simple-history (history readable from each object's page)."""

    list_per_page = 50
    warn_unsaved_form = True

    def history_view(self, request, object_id, extra_context=None):
        # simple-history falls back to the historical rows of an object outside get_queryset()
        # (e.g. a customer's account for a manager): refuse it, as the change view does.
        if self.get_object(request, unquote(object_id)) is None:
            raise Http404("No such object.")
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if self.get_object(request, unquote(object_id)) is None:
            raise Http404("No such object.")
        return super().history_form_view(request, object_id, version_id, extra_context)


class ShopScopedAdminMixin:
    """Limits an admin to the rows of the user's pizzerias, in querysets, object URLs and choices.

    A row of another shop asked for by URL is a 404, not a redirect with a message, so that
    guessing ids teaches nothing.
    """

    shop_path = "pizzeria"  # lookup from the model to its Pizzeria; "" for Pizzeria itself
    shop_roles = ()  # roles that see the rows; empty: any role

    def get_queryset(self, request):
        return scope_to_user(super().get_queryset(request), request.user, self.shop_path, self.shop_roles)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404("No such object in your pizzerias.")
        return obj

    def history_view(self, request, object_id, extra_context=None):
        # simple-history falls back to the historical rows of a missing object: check scope first.
        self.get_object(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self.get_object(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Pizzeria and not is_head_office(request.user):
            kwargs["queryset"] = Pizzeria.objects.filter(pk__in=pizzerias_of(request.user, *self.shop_roles))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class HeadOfficeWriteMixin:
    """Shared reference data (menu, users): everyone with the permission may read, head office writes."""

    def has_add_permission(self, request, *args):
        return is_head_office(request.user) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return is_head_office(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return is_head_office(request.user) and super().has_delete_permission(request, obj)
