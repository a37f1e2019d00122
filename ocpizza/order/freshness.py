"""The version of what an order's status poll shows, kept in the cache (issue 14).

The customer's order page asks for its status every 4 seconds; nearly always nothing changed.
Each order has a small random token in the cache; the poll's ETag is made of it, so a poll
whose If-None-Match still carries it is answered 304 from the cache alone (no query but the
session's user). Every service that changes what the poll shows (status moves, payments and
refunds, line changes, a card refused at the door) calls order_changed in its transaction: the
token is replaced once the transaction commits, and the next poll renders the order again.

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

TOKEN_SECONDS = 10 * 60


def _key(number):
    return f"order-status-version:{number}"


def order_changed(order):
    """After the current transaction commits, the next status poll of `order` renders it again."""
    key = _key(order.number)
    transaction.on_commit(lambda: cache.set(key, secrets.token_hex(8), TOKEN_SECONDS))


def status_token(number):
    """The current token of order `number`, made when there is none. Read it before the order."""
    key = _key(number)
    token = cache.get(key)
    if token is None:
        cache.add(key, secrets.token_hex(8), TOKEN_SECONDS)
        token = cache.get(key) or ""
    return token


def etag(request, *parts):
    """An ETag for this visitor: `parts` (versions of what the page shows), the user (another
    person never matches) and the CSRF secret the page's forms carry (it changes at login)."""
    secret = request.META.get("CSRF_COOKIE", "")
    text = "|".join(str(part) for part in (*parts, request.user.pk, secret, settings.SECRET_KEY))
    return '"' + hashlib.sha256(text.encode()).hexdigest()[:24] + '"'


def not_modified(request, tag):
    """A 304 for a request whose If-None-Match names `tag`, else None."""
    if tag not in parse_etags(request.headers.get("If-None-Match", "")):
        return None
    response = HttpResponseNotModified()
    response["ETag"] = tag
    return response
