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


# --- Two limits: per account (F-AUTH-3) and per client address (issue 13, L4) -----------------
# django-axes counts failures by every parameter of AXES_LOCKOUT_PARAMETERS (["username",
# "ip_address"]) and locks when the largest count reaches ONE limit. That limit is this function
# (AXES_FAILURE_LIMIT may be a dotted path taking (request, credentials)): the account's limit once
# the account itself has that many failures, the address's larger limit otherwise. So an account
# locks after 3 failures from anywhere, and an address that tried 20 wrong passwords across any
# accounts (42 customers × 1 password) is refused for every account, new usernames included,
# until the cool-off ends; other addresses are not affected.


def _account_failures(request, credentials=None) -> int:
    from axes.helpers import get_cool_off
    from axes.models import AccessAttempt
    from django.db.models import Sum
    from django.utils import timezone

    username = axes_username(request, credentials)
    if not username:
        return 0
    attempts = AccessAttempt.objects.filter(username=username)
    cool_off = get_cool_off(request)
    if cool_off is not None:
        attempted_at = getattr(request, "axes_attempt_time", None) or timezone.now()
        attempts = attempts.filter(attempt_time__gte=attempted_at - cool_off)
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


def account_is_locked(request, credentials=None) -> bool:
    return _account_failures(request, credentials) >= settings.AXES_ACCOUNT_FAILURE_LIMIT


def failure_limit(request, credentials=None) -> int:
    """AXES_FAILURE_LIMIT: compared by axes with max(failures of the account, failures of the address)."""
    if account_is_locked(request, credentials):
        return settings.AXES_ACCOUNT_FAILURE_LIMIT
    return settings.AXES_ADDRESS_FAILURE_LIMIT


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the French lock page, saying whether the account or the address is locked."""
    from django.shortcuts import render

    context = {"locked_by_address": not account_is_locked(request, credentials)}
    return render(request, "account/locked.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)


def reset_account_on_login(sender, request, user, **kwargs):
    """A successful login clears the failures of *that account* only (F-AUTH-3).

    axes' own AXES_RESET_ON_SUCCESS deletes every attempt matching any lockout parameter, the
    address included: an attacker with one valid account would wipe the address counter by
    logging into it between rounds. So it is off, and this receiver (user_logged_in) resets by
    username through axes' public API."""
    reset_account_lock(user=user)


def reset_account_lock(*, user):
    """Clear the failures of `user`'s account (by username, through axes' public API): after a
    successful password reset (issue 19), the owner proved they hold the mailbox; a lock that
    survived the reset kept them out with their new password."""
    from axes.utils import reset

    username = axes_username(None, {getattr(settings, "AXES_USERNAME_FORM_FIELD", "username"): user.get_username()})
    if username:
        reset(username=username)
