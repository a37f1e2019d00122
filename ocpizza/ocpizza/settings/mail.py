"""Outgoing e-mail: receipts, password resets and error reports."""
from ocpizza.settings.environment import IS_PRODUCTION, env

# --- E-mail -------------------------------------------------------------------
# Production has no default SMTP server: receipts and password resets must go somewhere the
# operator chose (ocpizza.E008 says so at deploy time). "localhost" is accepted when set on
# purpose (a local relay such as Postfix).
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="") or (  # empty in .env: the default
    "django.core.mail.backends.smtp.EmailBackend" if IS_PRODUCTION else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = env.str("EMAIL_HOST", default="" if IS_PRODUCTION else "localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="OC Pizza <commandes@ocpizza.fr>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The site's address, for links in e-mails sent outside a request (status e-mails link to
# "Mes commandes", issue 19).
SITE_URL = env.str("SITE_URL", default="https://www.ocpizza.fr" if IS_PRODUCTION else "http://127.0.0.1:8000").rstrip("/")
