"""Small builders shared by the payment and checkout tests (real services, real localstripe)."""
from order.models import Order
from order.services import place_order
from product.models import Product


def card_order(shops, customer, *, shop="bastille", lines=(("margherita", 2),), fulfilment=Order.Fulfilment.PICKUP):
    """A web order paid by card, as checkout creates it: awaiting confirmation and payment."""
    return place_order(
        pizzeria=shops[shop],
        customer=customer,
        lines=[(Product.objects.get(slug=slug), qty) for slug, qty in lines],
        fulfilment=fulfilment,
        payment_method=Order.PaymentMethod.CARD_ONLINE,
        channel=Order.Channel.WEB,
        address={"line": "10 rue de la Roquette", "postcode": "75011", "city": "Paris"}
        if fulfilment == Order.Fulfilment.DELIVERY
        else None,
        by=customer,
    )
