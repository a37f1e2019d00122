from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError

from account.models import User
from account.roles import HEAD_OFFICE_GROUP, ROLE_GROUPS, roles_of
from ocpizza.prepared import PreparedQuery

# The session's user, asked on every logged-in request: compiled once (ocpizza.prepared), the
# same query and the same User as ModelBackend.get_user's `get(pk=...)`.
_user_by_pk = PreparedQuery(lambda pk: User._default_manager.filter(pk=pk).order_by(), "int")


class RoleBackend(ModelBackend):
    """Logs in by e-mail (the USERNAME_FIELD) and adds the permissions of the roles a user
    holds in pizzerias to those of their groups, so that a new StaffMembership takes
    effect without anyone editing groups by hand."""

    def get_user(self, user_id):
        try:
            pk = User._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        users = _user_by_pk(pk)
        user = users[0] if len(users) == 1 else None
        return user if user is not None and self.user_can_authenticate(user) else None

    def get_group_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_ocpizza_role_perm_cache"):
            groups = [ROLE_GROUPS[role] for role in roles_of(user_obj) if role in ROLE_GROUPS]
            perms = Permission.objects.filter(group__user=user_obj) | Permission.objects.filter(group__name__in=groups)
            user_obj._ocpizza_role_perm_cache = {
                f"{ct}.{name}"
                for ct, name in perms.values_list("content_type__app_label", "codename").distinct()
            }
        return user_obj._ocpizza_role_perm_cache


__all__ = ["RoleBackend", "HEAD_OFFICE_GROUP"]
