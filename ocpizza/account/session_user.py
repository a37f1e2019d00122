"""Who a polled page's 304 is for, from the cache alone (issue 14).

The status poll and the queue refresh answer 304 "nothing changed" many times a second. Loading
the whole user as Django's authentication middleware does is most of that answer's cost, and
even one small query (the password and is_active, to check the session's hash) cost as much CPU
as the rest of the answer. So these pages' ETag names the user it was given to, in clear
(order.freshness.etag), and the 304 reads in the session's cache round trip (ocpizza.sessions)
a per-user entry holding what that query gave: for the status poll `login:<pk>`, the session
hash Django expects of that user (get_session_auth_hash of their current password), or "" for an
inactive or missing user; the queues keep their own entry, with the roles (order.selectors
.queue_access). The 304 is given only when the session is a RoleBackend login of the user the
ETag names (session_login) and its hash is the entry's (same_hash); the page then still
compares the whole ETag.

A missing entry (cold or evicted cache) is made by one query and kept ENTRY_SECONDS
(user_entry). A saved or deleted user renews nothing but *marks* the entry forgotten once the
transaction commits (forget, connected in account.apps): a password change, a deactivation, an
erasure (privacy.services saves the user) make the very next poll go Django's way. The mark
lives FORGET_SECONDS and an entry is only ever *added*, never overwritten: a poll that read the
row just before the commit cannot put the old hash back over the mark (while the mark lives,
the 304 asks the database each time and keeps nothing). No code writes users in bulk (an
`.update()` on users would bypass the signal: it must call forget itself).

Anything else (no session, another backend, a session made under a former SECRET_KEY, an
inactive user, a changed password, another user than the ETag's) is None, and the page goes
Django's way (request.user), which decides as before: login page, 403, rotated or flushed
session. So this never lets in someone Django would not; it only skips the user for an answer
that shows nothing.
"""
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.crypto import constant_time_compare

from account.backends import RoleBackend
from account.models import User
from ocpizza.prepared import PreparedQuery

BACKEND_PATH = f"{RoleBackend.__module__}.{RoleBackend.__qualname__}"

ENTRY_SECONDS = 10 * 60  # as order.freshness.TOKEN_SECONDS: a forgotten write shows after that
FORGET_SECONDS = 10  # how long a saved user's entries stay marked: far longer than a poll's query
FORGOTTEN = "forgotten"  # the mark (an entry is never a bare string but a session hash or "")

# The user's password and is_active, by primary key: compiled once (ocpizza.prepared).
_credentials = PreparedQuery(
    lambda pk: User._default_manager.filter(pk=pk).order_by().values_list("password", "is_active"), "int"
)


def login_key(user_pk):
    return f"login:{user_pk}"


def auth_hash(user_pk, password, is_active):
    """The session hash Django's login check expects of this user now (get_session_auth_hash,
    with the current SECRET_KEY), or "" for an inactive user: no session matches it."""
    if not is_active:
        return ""
    return User(pk=user_pk, password=password).get_session_auth_hash()


def login_entry(user_pk):
    """What `login:<pk>` holds, from one query: the user's session hash, "" if none can log in."""
    rows = _credentials(user_pk)
    return auth_hash(user_pk, *rows[0]) if len(rows) == 1 else ""


def session_login(session, user_pk):
    """The session's hash when `session` is a login of user `user_pk` through RoleBackend, else
    None. Reads the session only (no query, request.user untouched)."""
    if BACKEND_PATH not in settings.AUTHENTICATION_BACKENDS:
        return None
    try:
        logged_in = User._meta.pk.to_python(session[SESSION_KEY])
        backend, session_hash = session[BACKEND_SESSION_KEY], session[HASH_SESSION_KEY]
    except (KeyError, ValidationError):
        return None
    if logged_in != user_pk or backend != BACKEND_PATH or not session_hash:
        return None
    return session_hash


def same_hash(session_hash, expected):
    """The session's hash is the one its user's entry holds (never "": an inactive user)."""
    return bool(session_hash) and bool(expected) and constant_time_compare(session_hash, expected)


def user_entry(user_pk, key, cached, fetch):
    """The entry `key` of user `user_pk`: `cached` (the value read with the session, None when
    missing) when there is one, else `fetch(user_pk)` (one query), added to the cache unless the
    entry is marked forgotten."""
    if cached is not None and cached != FORGOTTEN:
        return cached
    value = fetch(user_pk)
    if cached is None:
        cache.add(key, value, ENTRY_SECONDS)
    return value


def mark_forgotten(keys):
    """Mark the entries `keys` forgotten now: the next 304 of their users asks the database."""
    if keys:
        cache.set_many(dict.fromkeys(keys, FORGOTTEN), FORGET_SECONDS)


def forget(*keys):
    """Once the current transaction commits, mark the entries `keys` forgotten."""
    transaction.on_commit(lambda: mark_forgotten(keys))


def login_changed(update_fields):
    """Whether a save of a user with these update_fields (None: every field) may change what
    their entries hold: the login's own write of last_login does not."""
    return update_fields is None or not set(update_fields) <= {"last_login"}


def user_changed(sender, instance, update_fields=None, **_signal):
    """A user was saved or deleted (post_save, post_delete; account.apps): their password,
    is_active... may have changed."""
    if login_changed(update_fields):
        forget(login_key(instance.pk))
