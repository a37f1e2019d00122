from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _reference_rates(sender, using="default", **kwargs):
    # After a flush (the test suite's transactional tests empty every table, then send
    # post_migrate), put the French reference rates back: nothing can be sold without them.
    from books.models import VatRate
    from books.reference import seed_french_rates
    from django.db import DatabaseError

    try:
        seed_french_rates(VatRate, VatRate.history.model)
    except DatabaseError:
        pass  # table not created yet (migrating backwards, a partial migrate)


class BooksConfig(AppConfig):
    name = "books"
    verbose_name = _("Comptabilité")

    def ready(self):
        post_migrate.connect(_reference_rates, sender=self, dispatch_uid="books_reference_rates")
