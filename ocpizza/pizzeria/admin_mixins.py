"""Admin mixins that scope a model to its pizzeria: shop scoping and per-object permissions.

What a user may do on an object is decided by the roles they hold in THAT object's pizzeria
(account.roles.has_shop_perm), never by the union of their roles in every shop: a pizzaiolo in
Bastille who manages Levallois reads Bastille's page and manages Levallois only. The base class
every admin extends (BusinessAdmin) is ocpizza.admin_base.
"""
from django.http import Http404

from account.roles import has_shop_perm, is_head_office, pizzerias_with_perm
from ocpizza.admin_base import permission_name
from pizzeria.models import Pizzeria


class ShopScopedAdminMixin:
    """Limits an admin to the rows of the user's pizzerias, in querysets, object URLs, choices and
    permissions, each decided by the roles the user holds in the row's own pizzeria.

    A row of another shop asked for by URL is a 404, not a redirect with a message, so that
    guessing ids teaches nothing.
    """

    shop_path = "pizzeria"  # lookup from the model to its Pizzeria; "" for Pizzeria itself

    def _perm(self, action):
        return permission_name(self.opts, action)

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
        return any(has_shop_perm(request.user, permission_name(self.opts, action), shop) for action in actions)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._may_in_shop(request, obj, "view", "change")

    def has_add_permission(self, request, obj):
        return super().has_add_permission(request, obj) and self._may_in_shop(request, obj, "add")

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_in_shop(request, obj, "change")

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_in_shop(request, obj, "delete")


class ReadOnlyAdminMixin:
    """A record written only by services (ledger, payments, Stripe events): read, never added,
    changed or deleted through the admin."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
