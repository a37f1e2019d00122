"""The menu's options (issue 16): how a half-and-half pizza is priced (product.line_recipe)."""
from django.core.exceptions import ImproperlyConfigured

from ocpizza.settings.environment import env

# "dearer": the price of the dearer half at the chosen size; "average": the mean of both halves,
# rounded up to the cent. Extras are added on top either way.
HALF_AND_HALF_PRICE = env.str("HALF_AND_HALF_PRICE", default="dearer")
if HALF_AND_HALF_PRICE not in ("dearer", "average"):
    raise ImproperlyConfigured("HALF_AND_HALF_PRICE must be 'dearer' or 'average'.")
