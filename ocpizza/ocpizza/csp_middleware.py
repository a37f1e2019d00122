"""django-csp's middleware, with the common header built once per process (issue 14).

django-csp builds the Content-Security-Policy string for every response (dataclasses, deep
copies, sorting): a tenth of a millisecond, a sixth of what the whole middleware stack costs an
anonymous request. The policy only varies when a page asks for a nonce or a view changes the
policy (the csp decorators); every other response gets the same string, built once here.
Where the header goes, and where not (EXCLUDE_URL_PREFIXES, @csp_exempt), is django-csp's own
rule: this class hands every response it is not sure about to it.
"""
from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as DjangoCSPMiddleware
from csp.utils import build_policy
from django.conf import settings

# What django-csp's view decorators set on a response (its instance attributes): one set to
# compare with the response's attributes at once, not eight failed lookups per response.
PER_VIEW = frozenset((
    "_csp_config", "_csp_update", "_csp_replace", "_csp_exempt",
    "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro", "_csp_exempt_ro",
))

# The nonce once the header is written: asking for it raises, as in django-csp. One object for
# every request: evaluating it raises before it could hold a value.
AFTER_HEADER = CheckableLazyObject(DjangoCSPMiddleware._csp_nonce_post_response)


class CSPMiddleware(DjangoCSPMiddleware):
    _built = (None, "", ())

    def _plain(self):
        """(header, excluded prefixes) for a response without nonce or per-view policy, built
        again only when the setting is another object (override_settings in tests)."""
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}
        if self._built[0] is not policy:
            self._built = (policy, build_policy(), tuple(policy.get("EXCLUDE_URL_PREFIXES", None) or ()))
        return self._built[1:]

    def process_response(self, request, response):
        plain = (
            getattr(request, "_csp_nonce", None) is None
            and not getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
            and PER_VIEW.isdisjoint(vars(response))
            and HEADER not in response
            and HEADER_REPORT_ONLY not in response
        )
        if not plain or settings.DEBUG:
            return super().process_response(request, response)
        header, excluded = self._plain()
        if header and not request.path_info.startswith(excluded):
            response[HEADER] = header
        # As django-csp does: a nonce asked for after the header was written is an error.
        request.csp_nonce = AFTER_HEADER
        return response
