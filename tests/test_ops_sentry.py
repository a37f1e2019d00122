"""Sentry (O-8): an error in a view reaches a Sentry endpoint (here a small local HTTP receiver)
with its environment and release, and without the customer's e-mail address."""
import gzip
import json
import logging
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sentry_sdk
from django.test import Client
from django.urls import path

from ocpizza.monitoring import init_sentry
from tests.ops_helpers import manage, production_env

logger = logging.getLogger("order.tracking")


def order_status_view(request):
    """A view that fails while handling a logged-in customer's data."""
    customer_email = request.user.email
    logger.warning("Suivi demandé par %s", customer_email)
    raise LookupError(f"Aucune commande en cours pour {customer_email}")


urlpatterns = [path("suivi-en-panne/", order_status_view)]


class SentryReceiver:
    """Accepts what the Sentry SDK posts (envelopes, possibly compressed) and keeps the bodies."""

    def __init__(self):
        self.bodies = []
        self.received = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                encoding = self.headers.get("Content-Encoding", "")
                if encoding == "gzip":
                    raw = gzip.decompress(raw)
                elif encoding == "deflate":
                    raw = zlib.decompress(raw)
                elif encoding == "br":
                    import brotli

                    raw = brotli.decompress(raw)
                receiver.bodies.append(raw.decode("utf-8", errors="replace"))
                receiver.received.set()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def dsn(self):
        return f"http://publickey@127.0.0.1:{self.server.server_address[1]}/42"

    def events(self):
        """The JSON items of type "event" in every envelope received."""
        found = []
        for body in self.bodies:
            lines = body.split("\n")
            for header, payload in zip(lines[1::2], lines[2::2]):
                if json.loads(header).get("type") == "event":
                    found.append(json.loads(payload))
        return found

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def sentry_receiver():
    with SentryReceiver() as receiver:
        init_sentry(dsn=receiver.dsn, environment="recette", release="ocpizza@test-release", traces_sample_rate=1.0)
        try:
            yield receiver
        finally:
            sentry_sdk.flush(timeout=5)
            # Back to a client without DSN: nothing else in the suite reports anywhere.
            sentry_sdk.init(dsn=None)


@pytest.mark.urls(__name__)
def test_view_error_reaches_sentry_without_the_customer_email(demo_users, sentry_receiver):
    customer = demo_users["customer"]
    client = Client(raise_request_exception=False)
    client.force_login(customer, backend="account.backends.RoleBackend")

    response = client.get("/suivi-en-panne/", HTTP_USER_AGENT="Mozilla/5.0")
    assert response.status_code == 500

    sentry_sdk.flush(timeout=10)
    assert sentry_receiver.received.wait(10), "no envelope reached the receiver"
    events = [event for event in sentry_receiver.events() if event.get("exception")]
    assert events, sentry_receiver.bodies
    event = events[0]
    exception = event["exception"]["values"][-1]
    assert exception["type"] == "LookupError"
    assert exception["value"] == "Aucune commande en cours pour [e-mail masqué]"
    assert event["environment"] == "recette"
    assert event["release"] == "ocpizza@test-release"
    assert event["transaction"] == "/suivi-en-panne/"
    everything = "\n".join(sentry_receiver.bodies)
    # Nowhere: not in the message, the local variables, the log breadcrumb, the user or cookies.
    assert customer.email not in everything
    assert "sessionid" not in everything
    breadcrumbs = [crumb.get("message") for crumb in event["breadcrumbs"]["values"]]
    assert "Suivi demandé par [e-mail masqué]" in breadcrumbs
    assert "user" not in event


def test_settings_start_sentry_from_the_environment(tmp_path):
    env = production_env(
        tmp_path, database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        SENTRY_DSN="http://publickey@127.0.0.1:9/1", SENTRY_TRACES_SAMPLE_RATE="0.25", SENTRY_RELEASE="ocpizza@1.2.3",
    )
    result = manage(
        env, "shell", "-c",
        "import sentry_sdk; o = sentry_sdk.get_client().options;"
        "print(o['dsn'], o['environment'], o['release'], o['traces_sample_rate'], o['send_default_pii'],"
        " o['before_send'].__name__, sorted(i for i in sentry_sdk.get_client().integrations if i == 'django'))",
    )
    assert result.stdout.strip().splitlines()[-1] == (
        "http://publickey@127.0.0.1:9/1 production ocpizza@1.2.3 0.25 False scrub_event ['django']"
    )
