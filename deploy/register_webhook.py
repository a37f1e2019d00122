"""Register the site's Stripe webhook endpoint with localstripe (development and demo only).

Usage: STRIPE_API_BASE=http://localhost:8420 python deploy/register_webhook.py http://127.0.0.1:8000
"""
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request


def main(site_url):
    api_base = os.environ.get("STRIPE_API_BASE", "http://localhost:8420").rstrip("/")
    secret = os.environ.get("STRIPE_WEBHOOK_SECRET", "whsec_ocpizza_local")
    data = urllib.parse.urlencode({"url": f"{site_url.rstrip('/')}/paiement/webhook/", "secret": secret}).encode()
    request = urllib.request.Request(f"{api_base}/_config/webhooks/ocpizza", data=data, method="POST")
    # localstripe was just started in the background: give it time to listen.
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                response.read()
            break
        except urllib.error.URLError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)
    print(f"Webhook Stripe enregistré auprès de {api_base}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000")
