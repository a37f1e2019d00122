"""The status poll's 304, answered before the rest of the middleware (issue 14).

Every customer following an order asks for its status every 4 seconds; nearly always nothing
changed and the answer is a 304 with no body (order.freshness.status_not_modified: one cache
round trip, no query). Through the whole stack, that answer also paid for ten middlewares and
the URL resolver, about a third of its server time, for nothing it shows: no page, no form,
no message, no history, no login attempt.

So this middleware, right after Django's SecurityMiddleware (its HTTPS redirect and headers
still apply), answers that one conditional GET itself, with what the stack would have given it:
the session read from its cookie (the session engine's own SessionStore), the CSRF secret of the
cookie (CsrfViewMiddleware's own reading: the ETag holds it), and the headers a 304 must repeat
(ETag, Cache-Control, Vary). Anything else, and any poll this check does not answer 304, goes
through the stack to the view, which decides as before (login, owner, full answer or 304).
The poll's URL is the one urls.py names order:status: nothing here repeats it.
"""
from importlib import import_module

from django.conf import settings
from django.middleware.csrf import CsrfViewMiddleware
from django.urls import get_script_prefix, reverse
from django.utils.cache import patch_vary_headers

from home.views.orders import never_stored
from order import freshness

# Stands for the order number in the poll's URL as urls.py reverses it (a character string no
# path of the site holds, kept as is by reverse()).
_PLACEHOLDER = "POLLEDORDERNUMBER"


class StatusPollMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.csrf = CsrfViewMiddleware(get_response)
        self.session_store = import_module(settings.SESSION_ENGINE).SessionStore
        self._url = None  # (head, tail) of the poll's path, read from urls.py on first use

    def _number(self, path):
        """The order number of a status poll's path, else None."""
        if self._url is None:
            url = reverse("order:status", kwargs={"number": _PLACEHOLDER})
            url = "/" + url[len(get_script_prefix()):]  # as path_info: without the script's prefix
            head, _placeholder, tail = url.partition(_PLACEHOLDER)
            self._url = (head, tail)
        head, tail = self._url
        if not (path.startswith(head) and path.endswith(tail)):
            return None
        number = path[len(head):len(path) - len(tail)]
        if "/" in number or not freshness.may_be_order_number(number):
            return None
        return number

    def __call__(self, request):
        if request.method == "GET" and "HTTP_IF_NONE_MATCH" in request.META:
            number = self._number(request.path_info)
            if number is not None:
                response = self._not_modified(request, number)
                if response is not None:
                    return response
        return self.get_response(request)

    def _not_modified(self, request, number):
        session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        if not session_key:
            return None
        request.session = self.session_store(session_key)
        self.csrf.process_request(request)
        response = freshness.status_not_modified(request, number)
        if response is not None:
            # What the view and the session middleware give the full answer: never stored by a
            # cache, and it depends on the cookie.
            never_stored(response)
            patch_vary_headers(response, ("Cookie",))
        return response
