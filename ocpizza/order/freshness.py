"""The versions of what the polled pages show, kept in the cache (issue 14): each order's status
poll, and each shop's kitchen and driver queues (plus the reminders the kitchen cards show).

The customer's order page asks for its status every 4 seconds; nearly always nothing changed.
Each order has a small random token in the cache; the poll's ETag is made of it, so a poll
whose If-None-Match still carries it is answered 304 from the cache alone. Every service that
changes what the poll shows (status moves, payments and refunds, line changes, a card refused
at the door) calls order_changed in its transaction: the token is replaced once the transaction
commits, and the next poll renders the order again.

The queues work the same way: order_changed also renews the order's shop's queue token, a
reminder written or deleted renews the reminders' token, and a saved shop (the manager's pause,
pizzeria.slots; a closed or renamed shop) renews its own (order.apps connects the signals); the
clock's minute is part of the queues' version (order.admin.queues). A missing token (cold or
evicted cache) is made anew, so the next answer is a full one: never a stale 304.

The 304 itself makes no query: the ETag names its user in clear ("<pk>-<hash>", etag), and
the session, the tokens and that user's entry (account.session_user: their session hash; for the
queues, queue_access_key: also is_staff and the shops whose queues they work) come in one cache
round trip (read_with_session). A missing entry costs one query, then is kept; a saved or
deleted user or membership marks it forgotten when the transaction commits (order.apps,
account.apps).

The token is read *before* the order is, so a change committed in between makes the answer's
token stale at once (the next poll renders again), never an old page under a new token. A token
lives TOKEN_SECONDS at most: a write that forgot to call order_changed would show after that.

Correct across gunicorn workers and servers only with a shared cache (Redis, CACHE_URL):
ocpizza.checks refuses a per-process cache in production.
"""
import hashlib
import re
import secrets

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponseNotModified
from django.utils.http import parse_etags

from account import session_user
from order.models import Order
from pizzeria.models import StaffMembership

TOKEN_SECONDS = 10 * 60


def _key(number):
    return f"order-status-version:{number}"


def _queue_key(slug):
    # By the shop's slug, the name the refresh's URL gives (?shop=): the 304 reads it with the
    # session, before any query. A renamed shop simply starts with a new token.
    return f"queue-version:{slug}"


REMINDERS_KEY = "queue-version:reminders"


def queue_access_key(user_pk):
    """The queues' entry of a user (order.selectors.queue_access), read by the refresh's 304."""
    return f"queue-access:{user_pk}"


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


def shop_changed(sender, instance, **_signal):
    """A shop was saved (post_save; order.apps): its pause shows on the queues (pizzeria.slots),
    and a closed shop's queue is refused. After the commit its queue token is renewed, and the
    entries of the users holding a role there are marked forgotten (its slug or status may have
    changed): one query, on this rare write."""
    def renew():
        cache.set(_queue_key(instance.slug), secrets.token_hex(8), TOKEN_SECONDS)
        members = StaffMembership.objects.filter(pizzeria_id=instance.pk).values_list("user_id", flat=True)
        session_user.mark_forgotten({queue_access_key(user_pk) for user_pk in members})

    transaction.on_commit(renew)


def user_changed(sender, instance, update_fields=None, **_signal):
    """A user was saved or deleted (post_save, post_delete; order.apps): is_staff, the password,
    is_active... are in their queues' entry."""
    if session_user.login_changed(update_fields):
        session_user.forget(queue_access_key(instance.pk))


def membership_moving(sender, instance, raw=False, **_signal):
    """A role about to be saved (pre_save): if it moves to another user, the former holder's
    entry is forgotten too (one query, on this rare write)."""
    if instance.pk is None or raw:
        return
    former = StaffMembership.objects.filter(pk=instance.pk).values_list("user_id", flat=True).first()
    if former is not None and former != instance.user_id:
        session_user.forget(queue_access_key(former))


def membership_changed(sender, instance, **_signal):
    """A role in a shop was given, changed or taken back (post_save, post_delete; order.apps)."""
    session_user.forget(queue_access_key(instance.user_id))


def read_with_session(keys, session=None):
    """{key: value} of the cache's `keys` that exist, read with the request's session when it is
    not loaded yet, in the same cache round trip (ocpizza.sessions)."""
    load_with = getattr(session, "load_with", None)
    return load_with(keys) if load_with else cache.get_many(keys)


def _tokens(*keys):
    """The current tokens of `keys`, made when missing (a cold or evicted cache gives a new
    token: a full answer, never a stale 304). Read them before what they stand for."""
    tokens = cache.get_many(keys)
    missing = [key for key in keys if key not in tokens]
    if missing:
        for key in missing:
            cache.add(key, secrets.token_hex(8), TOKEN_SECONDS)
        tokens.update(cache.get_many(missing))
    return tuple(tokens.get(key, "") for key in keys)


def may_be_order_number(number):
    """Whether `number` could name an order (not empty, no longer than the field): the status
    poll refuses anything else before a cache key is made of it."""
    return 0 < len(number) <= Order._meta.get_field("number").max_length


def status_token(number):
    """The current token of order `number`, made when there is none. Read it before the order."""
    return _tokens(_key(number))[0]


def queue_token_keys(slug, kind):
    """The cache keys of what a queue of the shop `slug` shows: its orders (and the shop), and
    for the kitchen the reminders."""
    return (_queue_key(slug), *([REMINDERS_KEY] if kind == "kitchen" else []))


def queue_tokens(slug, kind):
    """The tokens of what a queue of the shop `slug` shows (queue_token_keys), made when
    missing. Read them before the queue."""
    return _tokens(*queue_token_keys(slug, kind))


def etag(request, *parts, user_pk=None):
    """An ETag for this visitor: `parts` (versions of what the page shows), the user (another
    person never matches; `user_pk` when the 304 path checked the session without loading the
    user, account.session_user) and the CSRF secret the page's forms carry (it changes at login).
    It starts with the user's primary key in clear ("<pk>-<hash>"): the 304 reads that user's
    entry with the session (claimed_user); the hash alone decides whether it matches."""
    secret = request.META.get("CSRF_COOKIE", "")
    user_pk = request.user.pk if user_pk is None else user_pk
    text = "|".join(str(part) for part in (*parts, user_pk, secret, settings.SECRET_KEY))
    return f'"{user_pk}-{hashlib.sha256(text.encode()).hexdigest()[:24]}"'


def _if_none_match(request):
    # From META: request.headers would build a dict of every header, on the 304's hot path.
    return request.META.get("HTTP_IF_NONE_MATCH", "")


_CLAIM = re.compile(r'"([1-9][0-9]{0,17})-[0-9a-f]{24}"')


def claimed_user(request):
    """The primary key the request's If-None-Match names (one ETag made by etag), else None:
    only a claim, which the 304 checks against the session and the whole ETag."""
    etags = parse_etags(_if_none_match(request))
    match = _CLAIM.fullmatch(etags[0]) if len(etags) == 1 else None
    return int(match[1]) if match else None


def status_not_modified(request, number):
    """The 304 of the status poll of order `number`, for a request whose If-None-Match is the
    ETag a full answer gave this same user under the order's current token; None otherwise (the
    request then goes on to the view, which checks the login and the order as usual, and makes a
    missing token: nothing but the user's entry is written before the login is checked, and that
    only once the session names that user). Called before most of the middleware
    (home.poll_middleware), with the request's session and CSRF secret. The token, the session
    and the login entry of the user the ETag names (account.session_user) come in one cache
    round trip, and no query (one when that entry is missing); the order is not read: the ETag
    was only ever given to the order's customer, and the token changes with the order."""
    user_pk = claimed_user(request)
    if user_pk is None:
        return None
    token_key, login_key = _key(number), session_user.login_key(user_pk)
    values = read_with_session([token_key, login_key], request.session)
    if token_key not in values:
        return None
    session_hash = session_user.session_login(request.session, user_pk)
    if session_hash is None:
        return None
    expected = session_user.user_entry(user_pk, login_key, values.get(login_key), session_user.login_entry)
    if not session_user.same_hash(session_hash, expected):
        return None
    return not_modified(request, etag(request, "status", number, values[token_key], user_pk=user_pk))


def not_modified(request, tag):
    """A 304 for a request whose If-None-Match names `tag`, else None."""
    if tag not in parse_etags(_if_none_match(request)):
        return None
    response = HttpResponseNotModified()
    response["ETag"] = tag
    return response
