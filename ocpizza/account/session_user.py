"""Who a polled page's 304 is for, in one small query (issue 14).

The status poll and the queue refresh answer 304 "nothing changed" many times a second. Loading
the whole user as Django's authentication middleware does (every column of the row, then the
session hash) is most of that answer's cost, so these pages first ask: does the session name a
user logged in through RoleBackend, still active, whose password is the one the session was
made with (Django's own session hash, with the current secret)? The row comes from a query the
caller gives (its first two columns are the password and is_active, then whatever the page
needs: is_staff, the role in a shop...), compiled once (ocpizza.prepared).

Anything else (no session, another backend, a session made under a former SECRET_KEY, an
inactive user, a changed password) is None, and the page goes Django's way (request.user),
which decides as before: login page, 403, rotated or flushed session. So this never lets in
someone Django would not; it only skips the full user for an answer that shows nothing.
"""
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.core.exceptions import ValidationError
from django.utils.crypto import constant_time_compare

from account.backends import RoleBackend
from account.models import User

BACKEND_PATH = f"{RoleBackend.__module__}.{RoleBackend.__qualname__}"


def verified_row(request, query):
    """(user id, the row `query(user_id)` returns) when the session is a valid login of an
    active user, else None. Reads the session, never request.user."""
    if BACKEND_PATH not in settings.AUTHENTICATION_BACKENDS:
        return None
    session = request.session
    try:
        user_id = User._meta.pk.to_python(session[SESSION_KEY])
        backend, session_hash = session[BACKEND_SESSION_KEY], session[HASH_SESSION_KEY]
    except (KeyError, ValidationError):
        return None
    if backend != BACKEND_PATH or not session_hash:
        return None
    rows = query(user_id)
    if len(rows) != 1:
        return None
    password, is_active = rows[0][:2]
    if not is_active:
        return None
    # Django's own hash of the password, from a user that holds only its id and password.
    if not constant_time_compare(session_hash, User(pk=user_id, password=password).get_session_auth_hash()):
        return None
    return user_id, rows[0]
