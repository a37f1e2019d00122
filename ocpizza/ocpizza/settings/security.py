"""Security: the secret key, allowed hosts, HTTPS and cookies in production, and the
Content-Security-Policy of the public site."""
from urllib.parse import urlsplit

from csp.constants import NONCE

from ocpizza.dev_defaults import DEV_SECRET_KEY
from ocpizza.settings.environment import DEBUG, IS_PRODUCTION, env
from ocpizza.settings.payments import STRIPE_API_BASE, STRIPE_JS_URL

if DEBUG:
    SECRET_KEY = env.str("SECRET_KEY", default="" if IS_PRODUCTION else DEV_SECRET_KEY)
else:
    # No default: a production server must not start with a guessable key.
    SECRET_KEY = env.str("SECRET_KEY")

_added_hosts = env.list("ADDS_ALLOWED_HOSTS", default=[])
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]"] + _added_hosts
CSRF_TRUSTED_ORIGINS = [f"https://{host}" for host in _added_hosts]
# A form sent from a stale tab: a French page with a way back, not Django's raw 403 (issue 19).
CSRF_FAILURE_VIEW = "ocpizza.errors.csrf_failure"

# --- Security -------------------------------------------------------------------------
HSTS_SECONDS = env.int("HSTS_SECONDS", default=31536000)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
if IS_PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # The load balancer and Supervisor's probe call /healthz over plain HTTP on 127.0.0.1.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = HSTS_SECONDS
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Content-Security-Policy (django-csp) for the public site. The admin is left out on purpose:
# django-unfold relies on inline scripts and styles a strict policy would block. Inline scripts
# on the site need `nonce="{{ request.csp_nonce }}"`; inline event handlers (onclick=) are refused.
def _origin(url):
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


_STRIPE_ORIGINS = sorted(
    {o for o in (_origin(STRIPE_JS_URL), _origin(STRIPE_API_BASE)) if o}
    | ({"https://js.stripe.com", "https://hooks.stripe.com", "https://api.stripe.com"} if not STRIPE_API_BASE else set())
)
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE, *_STRIPE_ORIGINS],
        # Inline style attributes are harmless enough and common in templates; scripts are not.
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", *_STRIPE_ORIGINS],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'", *_STRIPE_ORIGINS],
        "frame-src": ["'self'", *_STRIPE_ORIGINS],
        "frame-ancestors": ["'none'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'", *_STRIPE_ORIGINS],
    },
}
