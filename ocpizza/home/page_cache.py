"""Whole public pages kept in the cache for visitors who have nothing of their own yet (issue 14).

A visitor without a session cookie and without a messages cookie is anonymous, has an empty
cart and no message waiting: the home page and a catalogue are then the same for all of them
but for the CSRF token of the add-to-cart forms. Such a page is rendered once per version of
what it shows, kept with a placeholder where the token goes, and served with the visitor's
own token put in (Django's get_token, so the CSRF cookie is set as usual).

The version is read from the database (one small query, see pizzeria.selectors.shops_version
and catalogue_page_version) at most once every PAGE_VERSION_SECONDS per process (one second by
default, recent_version): at a lunch rush a worker answers hundreds of these pages a second, and
that query, not the page, was most of their cost (issue 14). So a cached page shows a shop, a
price or an availability at most that long after the write; ordering checks the stock again
anyway. Anyone with a session (a cart, a login, a message) gets the page rendered for them, as
before, from the database.
"""
import hashlib
import threading
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

# Stands for the visitor's CSRF token in a cached page; the catalogue's cards use it too.
CSRF_PLACEHOLDER = "__ocpizza_csrf_token__"
CACHE_SECONDS = 300
MESSAGES_COOKIE = "messages"  # django.contrib.messages' CookieStorage


def is_blank_visitor(request):
    """True for a GET from someone with no session and no pending message."""
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and MESSAGES_COOKIE not in request.COOKIES
    )


def wants_placeholder(request):
    """Whether the page being rendered is for the cache: the CSRF token must be the placeholder."""
    return getattr(request, "_ocpizza_page_cache", False)


# Pages already fetched or rendered by this process, by key (which holds the version): a hit
# costs neither a cache round trip nor unpickling tens of kilobytes. Bounded, oldest out first.
LOCAL_ENTRIES = 64
_local = {}
_local_lock = threading.Lock()


_memos = [_local]


def process_memo():
    """A dict kept by this process next to its pages (e.g. the catalogue's shops), emptied with them."""
    memo = {}
    _memos.append(memo)
    return memo


def forget_local_pages():
    """Empty this process's copies (the tests do, with the shared cache, before each test)."""
    with _local_lock:
        for memo in _memos:
            memo.clear()


# What recent_version read, by key: (when, value). Bounded as the pages are: a key comes from
# the URL, which anyone can make up.
_versions = process_memo()
_clock = time.monotonic  # the tests move it


def recent_version(key, read):
    """`read()`, or what it returned for `key` in this process less than PAGE_VERSION_SECONDS
    ago (0: read every time)."""
    seconds = settings.PAGE_VERSION_SECONDS
    if seconds <= 0:
        return read()
    now = _clock()
    known = _versions.get(key)
    if known is not None and now - known[0] < seconds:
        return known[1]
    value = read()
    with _local_lock:
        while len(_versions) >= LOCAL_ENTRIES:
            _versions.pop(next(iter(_versions)))
        _versions[key] = (now, value)
    return value


def _remember(key, content_type, body):
    # The page as bytes cut where the visitor's token goes: a request only joins them.
    entry = (content_type, tuple(part.encode() for part in body.split(CSRF_PLACEHOLDER)))
    with _local_lock:
        while len(_local) >= LOCAL_ENTRIES:
            _local.pop(next(iter(_local)))
        _local[key] = entry
    return entry


def cached_for_blank_visitors(version):
    """View decorator: `version(request, *args, **kwargs)` returns a string that changes with
    everything the page shows, or None to render the page normally (unknown shop: the view
    answers 404)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not is_blank_visitor(request):
                return view(request, *args, **kwargs)
            current = version(request, *args, **kwargs)
            if current is None:
                return view(request, *args, **kwargs)
            parts = (view.__module__, view.__name__, request.get_full_path(), get_language(), current)
            entry = _local.get(parts)
            if entry is None:
                key = "page:" + hashlib.sha256(repr(parts).encode()).hexdigest()
                cached = cache.get(key)
                if cached is None:
                    request._ocpizza_page_cache = True
                    response = view(request, *args, **kwargs)
                    request._ocpizza_page_cache = False
                    if not _shareable(request, response):
                        return response
                    cached = (response["Content-Type"], response.content.decode(response.charset))
                    # Only a page whose every token is the placeholder may be shared.
                    if "csrfmiddlewaretoken" in cached[1].replace(f'name="csrfmiddlewaretoken" value="{CSRF_PLACEHOLDER}"', ""):
                        return _with_token(request, *cached)
                    cache.set(key, cached, CACHE_SECONDS)
                entry = _remember(parts, *cached)
            return _respond(request, *entry)

        return wrapper

    return decorator


def _shareable(request, response):
    # Not a 200, a cookie or cache header of its own, or a CSP nonce (one per response): not shared.
    return (
        response.status_code == 200
        and not response.cookies
        and not response.has_header("Cache-Control")
        and getattr(request, "_csp_nonce", None) is None
    )


def _respond(request, content_type, parts):
    body = parts[0] if len(parts) == 1 else get_token(request).encode().join(parts)
    response = HttpResponse(body, content_type=content_type)
    # Someone with a session gets another page: shared caches must not mix them up.
    patch_vary_headers(response, ("Cookie",))
    return response


def _with_token(request, content_type, body):
    if CSRF_PLACEHOLDER in body:
        body = body.replace(CSRF_PLACEHOLDER, get_token(request))
    response = HttpResponse(body, content_type=content_type)
    patch_vary_headers(response, ("Cookie",))
    return response
