"""localstripe for the payment tests: one process per test session on a free port.

Fixtures (imported by tests/conftest.py):
- `localstripe_url`: session-wide base URL of the process (started with --from-scratch);
- `stripe_local`: points settings.STRIPE_API_BASE / STRIPE_JS_URL at it and empties it
  (DELETE /_config/data) before the test; returns the base URL;
- `stripe_webhooks`: `stripe_local` plus its webhook registered to the live server's
  /paiement/webhook/ with settings.STRIPE_WEBHOOK_SECRET (tests without it get no webhook:
  the endpoint is pointed at a closed port);
- helpers `localstripe_card(base, number)` -> PaymentMethod id through a SetupIntent, as
  Stripe.js's confirmCardSetup does, and `signed_event(payload, secret)` -> (body, header).
"""
import copy
import hashlib
import hmac
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

WEBHOOK_ID = "ocpizza-tests"


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _request(url, *, method="GET", data=None, json_body=None, timeout=10, headers=None):
    headers = dict(headers or {})
    body = None
    if json_body is not None:
        body = json.dumps(json_body).encode()
        headers["Content-Type"] = "application/json"
    elif data is not None:
        body = urllib.parse.urlencode(data).encode()
    request = urllib.request.Request(url, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            text = response.read().decode()
            return response.status, (json.loads(text) if text.strip().startswith("{") else text)
    except urllib.error.HTTPError as exc:
        text = exc.read().decode()
        return exc.code, (json.loads(text) if text.strip().startswith("{") else text)


@pytest.fixture(scope="session")
def localstripe_url():
    executable = shutil.which("localstripe", path=os.path.dirname(sys.executable)) or shutil.which("localstripe")
    if executable is None:
        pytest.skip("localstripe is not installed (pip install -r requirements-dev.txt)")
    port = _free_port()
    workdir = tempfile.mkdtemp(prefix="localstripe-")
    log = open(os.path.join(workdir, "localstripe.log"), "w")
    process = subprocess.Popen(
        [executable, "--port", str(port), "--from-scratch"], cwd=workdir, stdout=log, stderr=subprocess.STDOUT
    )
    base = f"http://localhost:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"localstripe did not start on port {port}; see {workdir}/localstripe.log")
            time.sleep(0.1)
    yield base
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()
    shutil.rmtree(workdir, ignore_errors=True)


def _register_webhook(base, url, secret):
    status, body = _request(f"{base}/_config/webhooks/{WEBHOOK_ID}", method="POST", data={"url": url, "secret": secret})
    assert status == 200, body


@pytest.fixture
def stripe_local(localstripe_url, settings):
    settings.STRIPE_API_BASE = localstripe_url
    settings.STRIPE_JS_URL = f"{localstripe_url}/js.stripe.com/v3/"
    policy = getattr(settings, "CONTENT_SECURITY_POLICY", None)
    if policy:
        # The site's Content-Security-Policy allows Stripe's origin: here, this localstripe.
        policy = copy.deepcopy(policy)
        for directive in ("script-src", "connect-src", "frame-src", "img-src", "form-action"):
            if directive in policy.get("DIRECTIVES", {}):
                policy["DIRECTIVES"][directive] = [*policy["DIRECTIVES"][directive], localstripe_url]
        settings.CONTENT_SECURITY_POLICY = policy
    status, body = _request(f"{localstripe_url}/_config/data", method="DELETE")
    assert status == 200, body
    # No webhook unless the test asks for one (`stripe_webhooks`): a closed port swallows them.
    _register_webhook(localstripe_url, f"http://127.0.0.1:{_free_port()}/", settings.STRIPE_WEBHOOK_SECRET)
    return localstripe_url


@pytest.fixture
def stripe_webhooks(stripe_local, live_server, settings):
    _register_webhook(stripe_local, f"{live_server.url}/paiement/webhook/", settings.STRIPE_WEBHOOK_SECRET)
    return stripe_local


def localstripe_card(base, number, *, authenticate=True):
    """A PaymentMethod id for `number`, made the way Stripe.js's confirmCardSetup makes it.

    Raises AssertionError with localstripe's answer when the card is declined at setup."""
    from order import stripe_gateway

    client = stripe_gateway.get_client()
    setup = client.v1.setup_intents.create(params={"usage": "on_session"})
    card = {"number": number, "exp_month": "12", "exp_year": "2034", "cvc": "123"}
    status, body = _request(
        f"{base}/v1/setup_intents/{setup.id}/confirm",
        method="POST",
        json_body={
            "key": "pk_test_ocpizza_local",
            "client_secret": setup.client_secret,
            "payment_method_data": {"type": "card", "card": card},
        },
    )
    assert status == 200, body
    if body["status"] == "requires_action" and authenticate:
        status, body = _request(
            f"{base}/v1/setup_intents/{setup.id}/confirm",
            method="POST",
            json_body={"key": "pk_test_ocpizza_local", "client_secret": setup.client_secret},
        )
        assert status == 200, body
    return body["payment_method"]


def localstripe_authenticate(base, intent_id, client_secret, success=True):
    """What Stripe.js's confirmCardPayment does for a 3-D Secure intent when the customer
    clicks "Complete authentication" (or "Fail authentication")."""
    return _request(
        f"{base}/v1/payment_intents/{intent_id}/_authenticate?success={'true' if success else 'false'}",
        method="POST",
        json_body={"key": "pk_test_ocpizza_local", "client_secret": client_secret},
    )


def signed_event(payload, secret, timestamp=None):
    """(body bytes, Stripe-Signature header) for a webhook payload, signed as Stripe does."""
    body = json.dumps(payload).encode()
    timestamp = int(timestamp or time.time())
    signature = hmac.new(secret.encode(), b"%d.%s" % (timestamp, body), hashlib.sha256).hexdigest()
    return body, f"t={timestamp},v1={signature}"


def wait_for(predicate, timeout=15, interval=0.2):
    """Poll `predicate` until it is true (for webhooks, which localstripe sends a second later)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    return predicate()
