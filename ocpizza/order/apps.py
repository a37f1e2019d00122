from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrderConfig(AppConfig):
    name = "order"
    verbose_name = _("Commandes")

    def ready(self):
        # The kitchen cards show the products' reminders (product sits below order and does not
        # know the queues): a written or deleted reminder renews the kitchen queues' version.
        from django.db.models.signals import post_delete, post_save

        from order import freshness
        from product.models import Reminder

        post_save.connect(freshness.reminders_changed, sender=Reminder, dispatch_uid="order.reminders_changed")
        post_delete.connect(freshness.reminders_changed, sender=Reminder, dispatch_uid="order.reminders_deleted")
