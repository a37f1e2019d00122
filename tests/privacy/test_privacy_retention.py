"""The retention setting (issue 18, F-BOOK-4): the weekly maintenance purges what is kept too long."""
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from account.models import User
from order.models import Order
from privacy.services import ERASED_NAME
from tests.factories import OrderFactory, UserFactory
from tests.privacy.scene import two_customers

pytestmark = pytest.mark.django_db(transaction=True)  # VACUUM runs outside a transaction


def _age(model, pk, **fields):
    model.objects.filter(pk=pk).update(**fields)


def test_the_weekly_maintenance_applies_the_retention_setting(settings):
    settings.PERSONAL_DATA_RETENTION_YEARS = 3
    settings.ABANDONED_ORDER_DAYS = 2
    settings.UNACTIVATED_ACCOUNT_DAYS = 30
    scene = two_customers()
    now = timezone.now()
    long_ago = now - timedelta(days=4 * 365)
    shop = scene.chain.shops["bastille"]
    # Alice: last login and orders 4 years ago -> anonymised. Bob ordered recently -> kept.
    _age(User, scene.alice.pk, last_login=long_ago, date_joined=long_ago)
    for order in scene.alice_orders:
        _age(Order, order.pk, created_at=long_ago)
    _age(User, scene.bob.pk, last_login=long_ago, date_joined=long_ago)
    # A card order left on the payment page 3 days ago, and one from an hour ago.
    abandoned = OrderFactory(pizzeria=shop, customer=scene.bob, lines=[(scene.menu.cola, 1)],
                             payment_method=Order.PaymentMethod.CARD_ONLINE)
    _age(Order, abandoned.pk, created_at=now - timedelta(days=3))
    fresh = OrderFactory(pizzeria=shop, customer=scene.bob, lines=[(scene.menu.cola, 1)],
                         payment_method=Order.PaymentMethod.CARD_ONLINE)
    assert abandoned.payment_status == Order.PaymentStatus.AWAITING_PAYMENT
    # A phone order of a caller without account, 4 years old, and a registration never activated.
    guest = OrderFactory(pizzeria=shop, customer=None, by=scene.chain.people["pizzaiolo"], channel=Order.Channel.PHONE,
                         lines=[(scene.menu.cola, 1)], contact={"name": "Yves Passant", "phone": "0600000000", "email": ""})
    guest = Order.objects.get(pk=guest.pk)
    guest.status = Order.Status.DELIVERED
    guest.save()
    _age(Order, guest.pk, created_at=long_ago)
    unactivated = UserFactory(is_active=False, with_address=False)
    _age(User, unactivated.pk, date_joined=now - timedelta(days=31), last_login=None)
    recent_registration = UserFactory(is_active=False, with_address=False)
    _age(User, recent_registration.pk, last_login=None)

    call_command("weekly_maintenance", history_days=3650, verbosity=0)

    alice = User.objects.get(pk=scene.alice.pk)
    assert alice.email.endswith("@anonyme.invalid") and not alice.is_active
    assert all(o.customer_name == ERASED_NAME for o in Order.objects.filter(pk__in=[o.pk for o in scene.alice_orders]))
    assert User.objects.get(pk=scene.bob.pk).email == "bob.leroy@example.test"
    assert Order.objects.get(pk=abandoned.pk).status == Order.Status.CANCELLED
    assert Order.objects.get(pk=fresh.pk).status == Order.Status.AWAITING_CONFIRMATION
    guest.refresh_from_db()
    assert (guest.customer_name, guest.customer_phone) == (ERASED_NAME, "")
    assert "Yves Passant" not in str(list(Order.history.model.objects.filter(id=guest.pk).values()))
    assert not User.objects.filter(pk=unactivated.pk).exists()
    assert not User.history.model.objects.filter(id=unactivated.pk).exists()
    assert User.objects.filter(pk=recent_registration.pk).exists()
