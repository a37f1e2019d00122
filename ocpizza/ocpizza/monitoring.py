"""Error and performance monitoring with Sentry (O-8).

`init_sentry` is called from settings when SENTRY_DSN is set. No personal data leaves the
server (issue 13, L8):
- Sentry's own PII collection is off (no user, IP address, cookies or request body);
- local variables are not sent at all: a `User` or `Address` in a frame is printed by its repr,
  "Gaspard Vermeulen <g.v@example.fr>", which no key-based scrubber can recognise;
- sentry-sdk's EventScrubber removes, at any depth, values under personal or secret keys
  (its default denylist plus ours: names, e-mail, phone, address fields);
- `scrub_event` replaces any e-mail address or phone number still present in a message, an
  exception value or a breadcrumb.
Requests any anonymous client can make invalid at will (too big, too many fields, a stranger's
Host header...) are answered 400/413 by Django and are not errors of ours: their loggers are
ignored, so they never become Sentry events.
"""
import re
import subprocess
import warnings
from pathlib import Path

import sentry_sdk
from sentry_sdk.integrations.django import DjangoIntegration
from sentry_sdk.integrations.logging import LoggingIntegration, ignore_logger
from sentry_sdk.scrubber import DEFAULT_DENYLIST, EventScrubber

EMAIL_RE = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
EMAIL_PLACEHOLDER = "[e-mail masqué]"
# French numbers as customers type them: 0612345678, 06 12 34 56 78, 06.12.34.56.78, +33 6 12 34 56 78.
PHONE_RE = re.compile(r"(?<![\w.])(?:\+33\s?|0033\s?|0)[1-9](?:[\s.\-]?\d{2}){4}(?!\w)")
PHONE_PLACEHOLDER = "[téléphone masqué]"

# Keys whose values EventScrubber replaces anywhere in an event (request data, extra, breadcrumbs...).
PERSONAL_KEYS = [
    "email", "e_mail", "username", "first_name", "last_name", "full_name", "name", "customer", "customer_name",
    "phone", "telephone", "address", "line", "postcode", "city", "latitude", "longitude", "note",
]

# SuspiciousOperation loggers of requests an anonymous client makes invalid at will; Django
# answers them 400 (413 for a body too big, ocpizza/errors.py).
ANONYMOUS_NOISE_LOGGERS = [
    "django.security.DisallowedHost",
    "django.security.RequestDataTooBig",
    "django.security.TooManyFieldsSent",
    "django.security.TooManyFilesSent",
    "django.security.SuspiciousMultipartForm",
    "django.security.SuspiciousSession",
    "django.security.InvalidSessionKey",
    "django.security.csrf",
]


def _scrub(value):
    if isinstance(value, str):
        return PHONE_RE.sub(PHONE_PLACEHOLDER, EMAIL_RE.sub(EMAIL_PLACEHOLDER, value))
    if isinstance(value, dict):
        return {_scrub(key): _scrub(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_scrub(item) for item in value]
    return value


def scrub_event(event, hint=None):
    """before_send / before_send_transaction: mask every e-mail address anywhere in the event.

    Customers' e-mails reach exception messages ("no order for x@y.fr"), local variables and
    log breadcrumbs; send_default_pii=False alone does not cover those."""
    event = _scrub(event)
    # Sentry must never learn who the user is, even by id.
    event.pop("user", None)
    return event


def git_release(repo_dir: Path) -> str:
    """`ocpizza@<commit>` of the deployed checkout, or `ocpizza@unknown` outside git."""
    try:
        commit = subprocess.run(
            ["git", "-C", str(repo_dir), "rev-parse", "--short=12", "HEAD"],
            capture_output=True, text=True, timeout=5, check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = ""
    return f"ocpizza@{commit or 'unknown'}"


def init_sentry(*, dsn: str, environment: str, release: str, traces_sample_rate: float) -> None:
    with warnings.catch_warnings():
        # sentry-sdk 2.7x deprecates send_default_pii for data_collection but still honours it;
        # we keep the explicit, documented switch.
        warnings.simplefilter("ignore", DeprecationWarning)
        _init(dsn=dsn, environment=environment, release=release, traces_sample_rate=traces_sample_rate)


def _init(*, dsn, environment, release, traces_sample_rate):
    for name in ANONYMOUS_NOISE_LOGGERS:
        ignore_logger(name)
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release,
        integrations=[
            DjangoIntegration(),
            # INFO and up become breadcrumbs; only ERROR log records become events.
            LoggingIntegration(level=20, event_level=40),
        ],
        traces_sample_rate=traces_sample_rate,
        send_default_pii=False,
        include_local_variables=False,
        event_scrubber=EventScrubber(denylist=DEFAULT_DENYLIST + PERSONAL_KEYS, recursive=True),
        before_send=scrub_event,
        before_send_transaction=scrub_event,
        # Request bodies hold addresses and phone numbers: never sent.
        max_request_body_size="never",
    )
