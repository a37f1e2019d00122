"""Stripe (F-ORD-4), reached only through order.stripe_gateway."""
from ocpizza.dev_defaults import (
    DEV_STRIPE_PUBLISHABLE_KEY,
    DEV_STRIPE_SECRET_KEY,
    DEV_STRIPE_WEBHOOK_SECRET,
)
from ocpizza.settings.environment import IS_PRODUCTION, env

# --- Stripe (F-ORD-4) -----------------------------------------------------------
# In development, tests and the demo, STRIPE_API_BASE points at localstripe and
# Stripe.js is loaded from it; production leaves both empty and uses real keys.
# The public development keys are defaults outside production only: in production a
# missing key stays empty and `check --deploy` fails (ocpizza/checks.py, issue 13 H1).
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="" if IS_PRODUCTION else DEV_STRIPE_SECRET_KEY)
STRIPE_PUBLISHABLE_KEY = env.str("STRIPE_PUBLISHABLE_KEY", default="" if IS_PRODUCTION else DEV_STRIPE_PUBLISHABLE_KEY)
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="" if IS_PRODUCTION else DEV_STRIPE_WEBHOOK_SECRET)
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="" if IS_PRODUCTION else "http://localhost:8420")
STRIPE_JS_URL = env.str(
    "STRIPE_JS_URL",
    default=f"{STRIPE_API_BASE}/js.stripe.com/v3/" if STRIPE_API_BASE else "https://js.stripe.com/v3/",
)
