"""How django-axes names the account a login attempt is for (F-AUTH-3: lock the *account*).

Logins are e-mail addresses matched without regard to case (User.objects.get_by_natural_key),
so the lock must be too: without this, "GERANT@ocpizza.fr" would get three fresh tries after
"gerant@ocpizza.fr" was locked. The length is capped to what axes' username column holds, so a
5 000-character login is refused like any wrong one instead of failing the database insert.
"""
from django.conf import settings

MAX_LENGTH = 254  # axes' username columns are 255 characters; an e-mail address is at most 254


def axes_username(request, credentials=None):
    field = getattr(settings, "AXES_USERNAME_FORM_FIELD", "username")
    value = None
    if credentials:
        value = credentials.get(field)
    if value is None and request is not None:
        value = getattr(request, "data", None) or getattr(request, "POST", {})
        value = value.get(field) if hasattr(value, "get") else None
    return str(value or "").strip().lower()[:MAX_LENGTH]
