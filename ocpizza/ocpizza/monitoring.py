"""Error and performance monitoring with Sentry (O-8).

`init_sentry` is called from settings when SENTRY_DSN is set. No personal data leaves the
server: Sentry's own PII collection is off (no user e-mail, IP or cookies), and `scrub_event`
replaces any e-mail address still present in a message, a local variable or a breadcrumb.
"""
import re
import subprocess
import warnings
from pathlib import Path

import sentry_sdk
from sentry_sdk.integrations.django import DjangoIntegration
from sentry_sdk.integrations.logging import LoggingIntegration

EMAIL_RE = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
EMAIL_PLACEHOLDER = "[e-mail masqué]"


def _scrub(value):
    if isinstance(value, str):
        return EMAIL_RE.sub(EMAIL_PLACEHOLDER, value)
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
        before_send=scrub_event,
        before_send_transaction=scrub_event,
        # Request bodies hold addresses and phone numbers: never sent.
        max_request_body_size="never",
    )
