"""The development defaults of the secrets, in one place (issue 13, H1).

The settings (ocpizza/settings/security.py and payments.py) use them when a variable is not set
outside production; the deploy checks (ocpizza/checks.py) and the Stripe webhook refuse them in
production. They are public (they are in this repository), so a production server holding one of
them is as good as unprotected.
"""

DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
DEV_STRIPE_SECRET_KEY = "sk_test_ocpizza_local"
DEV_STRIPE_PUBLISHABLE_KEY = "pk_test_ocpizza_local"
DEV_STRIPE_WEBHOOK_SECRET = "whsec_ocpizza_local"
