from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """Customers' data rights (issue 18, F-BOOK-4): the export of a customer's data, the erasure
    of an account (orders kept, anonymised, for the books) and the retention purge. No models:
    it reads and rewrites the rows of account and order, above which it sits."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "privacy"
    verbose_name = _("Données personnelles")
