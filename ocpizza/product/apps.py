from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProductConfig(AppConfig):
    name = "product"
    verbose_name = _("Carte")

    def ready(self):
        from django.conf import settings

        if settings.SEARCH_BACKEND == "algolia":
            # The Algolia index follows the menu through a background job per change, sent
            # after the commit (product.search_sync), never inside the admin's request.
            from product import search_sync

            search_sync.connect()
