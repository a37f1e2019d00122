"""Development default values of the secrets: one list, read by settings.py (as defaults outside
production) and by the checks that refuse them in production (the deploy checks, the webhook)."""

DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
DEV_STRIPE_SECRET_KEY = "sk_test_ocpizza_local"
DEV_STRIPE_PUBLISHABLE_KEY = "pk_test_ocpizza_local"
DEV_STRIPE_WEBHOOK_SECRET = "whsec_ocpizza_local"
