"""Orders, only ever placed through order.services.place_order (prices, availability, statuses)."""
import factory
from factory.django import DjangoModelFactory

from order.models import Order
from order.services import place_order
from tests.factories.menu import ProductFactory
from tests.factories.people import UserFactory
from tests.factories.shops import PizzeriaFactory


class OrderFactory(DjangoModelFactory):
    """An order placed through order.services.place_order, never written directly.

    `lines=[(product, quantity), ...]` (one new product without recipe by default); a delivery
    goes to the customer's first address unless `address` is given; `by` defaults to the
    customer (a web order).
    """

    class Meta:
        model = Order

    pizzeria = factory.SubFactory(PizzeriaFactory)
    customer = factory.SubFactory(UserFactory)
    lines = factory.LazyFunction(lambda: [(ProductFactory(), 1)])
    fulfilment = Order.Fulfilment.PICKUP
    payment_method = Order.PaymentMethod.ON_DELIVERY
    channel = Order.Channel.WEB
    address = factory.LazyAttribute(
        lambda o: o.customer.addresses.first()
        if o.fulfilment == Order.Fulfilment.DELIVERY and o.customer is not None
        else None
    )
    by = factory.SelfAttribute("customer")

    @classmethod
    def _create(cls, model_class, **kwargs):
        return place_order(**kwargs)

    @classmethod
    def _build(cls, model_class, **kwargs):
        raise NotImplementedError("An order is only ever placed through place_order: use OrderFactory().")
