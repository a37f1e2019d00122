from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrderConfig(AppConfig):
    name = "order"
    verbose_name = _("Commandes")

    def ready(self):
        # The kitchen cards show the products' reminders (product sits below order and does not
        # know the queues): a written or deleted reminder renews the kitchen queues' version.
        # Users, roles and shops sit below order too and do not know the queues either.
        from django.db.models.signals import post_delete, post_save, pre_save

        from account.models import User
        from order import freshness
        from pizzeria.models import Pizzeria, StaffMembership
        from product.models import Reminder

        post_save.connect(freshness.reminders_changed, sender=Reminder, dispatch_uid="order.reminders_changed")
        post_delete.connect(freshness.reminders_changed, sender=Reminder, dispatch_uid="order.reminders_deleted")
        # The queue refresh's 304 keeps each user's roles in the cache (freshness.queue_access_key):
        # a saved or deleted user or role is asked again. A saved shop (its pause, pizzeria.slots;
        # its status or slug) renews its queue's version.
        post_save.connect(freshness.user_changed, sender=User, dispatch_uid="order.queue_access_user_saved")
        post_delete.connect(freshness.user_changed, sender=User, dispatch_uid="order.queue_access_user_deleted")
        pre_save.connect(freshness.membership_moving, sender=StaffMembership, dispatch_uid="order.queue_access_role_moving")
        post_save.connect(freshness.membership_changed, sender=StaffMembership, dispatch_uid="order.queue_access_role_saved")
        post_delete.connect(
            freshness.membership_changed, sender=StaffMembership, dispatch_uid="order.queue_access_role_deleted"
        )
        post_save.connect(freshness.shop_changed, sender=Pizzeria, dispatch_uid="order.queue_shop_saved")
