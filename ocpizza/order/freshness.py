"""The versions of what the polled pages show, kept in the cache (issue 14): each order's status
poll, and each shop's kitchen and driver queues (plus the reminders the kitchen cards show).

The customer's order page asks for its status every 4 seconds; nearly always nothing changed.
Each order has a small random token in the cache; the poll's ETag is made of it, so a poll
whose If-None-Match still carries it is answered 304 from the cache alone (no query but the
session's user). Every service that changes what the poll shows (status moves, payments and
refunds, line changes, a card refused at the door) calls order_changed in its transaction: the
token is replaced once the transaction commits, and the next poll renders the order again.

The queues work the same way: order_changed also renews the order's shop's queue token, a
reminder written or deleted renews the reminders' token (order.apps connects the signals), and
the manager's pause and the clock's minute are read with the 304's one query
(order.admin.queues). A missing token (cold or evicted cache) is made anew, so the next answer
is a full one: never a stale 304.

The token is read *before* the order is, so a change committed in between makes the answer's
token stale at once (the next poll renders again), never an old page under a new token. A token
lives TOKEN_SECONDS at most: a write that forgot to call order_changed would show after that.

Correct across gunicorn workers and servers only with a shared cache (Redis, CACHE_URL):
ocpizza.checks refuses a per-process cache in production.
"""
import hashlib
import secrets

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponseNotModified
from django.utils.http import parse_etags

from account import session_user
from account.models import User
from ocpizza.prepared import PreparedQuery

TOKEN_SECONDS = 10 * 60


def _key(number):
    return f"order-status-version:{number}"


def _queue_key(slug):
    # By the shop's slug, the name the refresh's URL gives (?shop=): the 304 reads it with the
    # session, before any query. A renamed shop simply starts with a new token.
    return f"queue-version:{slug}"


REMINDERS_KEY = "queue-version:reminders"


def order_changed(order):
    """After the current transaction commits, the next status poll of `order` and the next
    refresh of its shop's kitchen and driver queues render them again."""
    def renew():
        # The shop's slug after the commit: order.pizzeria is nearly always loaded by then.
        keys = [_key(order.number), _queue_key(order.pizzeria.slug)]
        cache.set_many({key: secrets.token_hex(8) for key in keys}, TOKEN_SECONDS)

    transaction.on_commit(renew)


def reminders_changed(**_signal):
    """A reminder was written or deleted: the kitchen cards show them (product.Reminder)."""
    transaction.on_commit(lambda: cache.set(REMINDERS_KEY, secrets.token_hex(8), TOKEN_SECONDS))


def _tokens(*keys, session=None, make=True):
    """The current tokens of `keys`, made when missing (a cold or evicted cache gives a new
    token: a full answer, never a stale 304), or None when one is missing and `make` is False.
    Read them before what they stand for; with the request's session when it is not loaded yet,
    in the same cache round trip (ocpizza.sessions)."""
    load_with = getattr(session, "load_with", None)
    tokens = load_with(keys) if load_with else cache.get_many(keys)
    missing = [key for key in keys if key not in tokens]
    if missing:
        if not make:
            return None
        for key in missing:
            cache.add(key, secrets.token_hex(8), TOKEN_SECONDS)
        tokens.update(cache.get_many(missing))
    return tuple(tokens.get(key, "") for key in keys)


def status_token(number):
    """The current token of order `number`, made when there is none. Read it before the order."""
    return _tokens(_key(number))[0]


def queue_tokens(slug, kind, session=None, make=True):
    """The tokens of what a queue of the shop `slug` shows: its orders, and for the kitchen the
    reminders. Read them before the queue. With `make` False (the 304, before the login is
    checked): None when one is missing, and nothing written."""
    return _tokens(_queue_key(slug), *([REMINDERS_KEY] if kind == "kitchen" else []), session=session, make=make)


def etag(request, *parts, user_pk=None):
    """An ETag for this visitor: `parts` (versions of what the page shows), the user (another
    person never matches; `user_pk` when the 304 path checked the session without loading the
    user, account.session_user) and the CSRF secret the page's forms carry (it changes at login)."""
    secret = request.META.get("CSRF_COOKIE", "")
    user_pk = request.user.pk if user_pk is None else user_pk
    text = "|".join(str(part) for part in (*parts, user_pk, secret, settings.SECRET_KEY))
    return '"' + hashlib.sha256(text.encode()).hexdigest()[:24] + '"'


# The status poll's 304 path: the session's user and the password the session was made with, by
# primary key (account.session_user); the order itself is not read.
_credentials = PreparedQuery(
    lambda pk: User._default_manager.filter(pk=pk).order_by().values_list("password", "is_active"), "int"
)


def status_not_modified(request, number):
    """The 304 of the status poll of order `number`, for a request whose If-None-Match is the
    ETag a full answer gave this same user under the order's current token; None otherwise (the
    view then checks the login and the order as usual, and makes a missing token: nothing is
    written to the cache before the login is checked). The token comes with the session in one
    cache round trip, then one indexed query; the order is not read: the ETag was only ever
    given to the order's customer, and the token changes with the order."""
    if not request.headers.get("If-None-Match"):
        return None
    tokens = _tokens(_key(number), session=request.session, make=False)
    if tokens is None:
        return None
    verified = session_user.verified_row(request, _credentials)
    if verified is None:
        return None
    return not_modified(request, etag(request, "status", number, tokens[0], user_pk=verified[0]))


def not_modified(request, tag):
    """A 304 for a request whose If-None-Match names `tag`, else None."""
    if tag not in parse_etags(request.headers.get("If-None-Match", "")):
        return None
    response = HttpResponseNotModified()
    response["ETag"] = tag
    return response
