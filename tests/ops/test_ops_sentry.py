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
from tests.support.manage_fork import manage_forked
from tests.support.ops_helpers import production_env
from tests.support.sessions import log_in

logger = logging.getLogger("order.tracking")


def order_status_view(request):
    """A view that fails while handling a logged-in customer's data."""
    customer_email = request.user.email
    logger.warning("Suivi demandé par %s", customer_email)
    raise LookupError(f"Aucune commande en cours pour {customer_email}")


def customer_page_view(request):
    """A view that fails with a customer, his address and a note in its local variables (issue 13 L8)."""
    from account.models import User

    customer = User.objects.get(email="gaspard.vermeulen@example.fr")
    address = customer.addresses.first()
    summary = {"client": customer, "adresse": address, "telephone": customer.phone}
    raise RuntimeError(f"Fiche client {customer.pk} illisible ({len(summary)} éléments)")


urlpatterns = [path("suivi-en-panne/", order_status_view), path("fiche-en-panne/", customer_page_view)]


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
            # Back to no client at all, as in a process without SENTRY_DSN. A client without DSN
            # (sentry_sdk.init(dsn=None)) reports nowhere but keeps its integrations: every later
            # SQL query of this worker went on opening a span and a breadcrumb.
            sentry_sdk.get_client().close(timeout=5)
            sentry_sdk.get_global_scope().set_client(None)
            assert sentry_sdk.get_client().get_integration("django") is None


@pytest.mark.urls(__name__)
def test_view_error_reaches_sentry_without_the_customer_email(demo_users, sentry_receiver):
    customer = demo_users["customer"]
    client = Client(raise_request_exception=False)
    log_in(client, customer)

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
    result = manage_forked(
        env, "shell", "-c",
        "import sentry_sdk; o = sentry_sdk.get_client().options;"
        "print(o['dsn'], o['environment'], o['release'], o['traces_sample_rate'], o['send_default_pii'],"
        " o['before_send'].__name__, sorted(i for i in sentry_sdk.get_client().integrations if i == 'django'),"
        " o['include_local_variables'], o['max_request_body_size'])",
    )
    assert result.stdout.strip().splitlines()[-1] == (
        "http://publickey@127.0.0.1:9/1 production ocpizza@1.2.3 0.25 False scrub_event ['django'] False never"
    )


def _everything_after_a_canary(receiver):
    """Flush, then send a canary event and wait for it: whatever the SDK was going to send has been sent."""
    sentry_sdk.capture_message("canary-ocpizza")
    sentry_sdk.flush(timeout=10)
    for _ in range(100):
        if any(event.get("message") == "canary-ocpizza" or (event.get("logentry") or {}).get("message") == "canary-ocpizza"
               for event in receiver.events()):
            break
        receiver.received.wait(0.1)
    else:
        raise AssertionError(f"the canary never reached the receiver: {receiver.bodies}")
    return [event for event in receiver.events() if "canary-ocpizza" not in json.dumps(event)]


@pytest.mark.urls(__name__)
def test_a_user_in_local_variables_never_reaches_sentry(db, sentry_receiver):
    from account.models import Address, User

    customer = User.objects.create_user(
        "gaspard.vermeulen@example.fr", "Bon-mdp-2026", first_name="Gaspard", last_name="Vermeulen",
        phone="06 12 34 56 78",
    )
    Address.objects.create(user=customer, line="17 rue des Tilleuls-Vermeil", postcode="75011", city="Paris")
    response = Client(raise_request_exception=False).get("/fiche-en-panne/")
    assert response.status_code == 500

    events = [event for event in _everything_after_a_canary(sentry_receiver) if event.get("exception")]
    assert len(events) == 1
    assert events[0]["exception"]["values"][-1]["type"] == "RuntimeError"
    everything = "\n".join(sentry_receiver.bodies)
    for personal in ("Gaspard", "Vermeulen", "gaspard.vermeulen", "06 12 34 56 78", "Tilleuls-Vermeil"):
        assert personal not in everything, personal


@pytest.mark.django_db
def test_anonymous_oversized_and_malformed_posts_get_a_french_answer_and_no_sentry_event(demo_data, sentry_receiver):
    client = Client(raise_request_exception=False)
    # 3 MiB of form data, above Django's 2.5 MiB DATA_UPLOAD_MAX_MEMORY_SIZE.
    response = client.post("/compte/connexion/", {"username": "a@example.fr", "password": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 413
    assert "Requête trop volumineuse" in response.content.decode()
    # The same for a raw body, e.g. on the Stripe webhook (no CSRF, read through request.body).
    response = client.post("/paiement/webhook/", b"{" + b" " * (3 * 1024 * 1024) + b"}", content_type="application/json")
    assert response.status_code == 413
    # Too many fields, a broken multipart body, a stranger's Host header: 400 in French.
    response = client.post("/compte/connexion/", "&".join(f"f{n}=1" for n in range(1500)),
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400 and "Requête invalide" in response.content.decode()
    response = client.post("/compte/connexion/", b"garbage", content_type="multipart/form-data; boundary=")
    assert response.status_code == 400 and "Requête invalide" in response.content.decode()
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400 and "Requête invalide" in response.content.decode()

    assert [event.get("logentry") or event.get("exception") for event in _everything_after_a_canary(sentry_receiver)] == []
