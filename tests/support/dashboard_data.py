"""A known set of orders for the dashboard tests, with every expected figure worked out by hand.

Period: 10–12 March 2025 (Paris). Bastille (B), Montmartre (M), Boulogne (O).
"""
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from order import daily_figures
from order.models import Order, OrderLine
from product.models import Product

PARIS = ZoneInfo("Europe/Paris")
FIRST_DAY, LAST_DAY = date(2025, 3, 10), date(2025, 3, 12)


def at(day, hour, minute):
    return datetime(2025, 3, day, hour, minute, tzinfo=PARIS)


def make_order(shop, placed, lines, *, status="delivered", payment_status="paid", channel="web",
               fulfilment="delivery", payment_method="card_online", accepted=None, ready=None, delivered=None):
    order = Order.objects.create(
        pizzeria=shop,
        customer_name="Test",
        channel=channel,
        fulfilment=fulfilment,
        delivery_line="1 rue du Test" if fulfilment == "delivery" else "",
        payment_method=payment_method,
        payment_status=payment_status,
        status=status,
        total=sum(price * quantity for _product, quantity, price in lines),
        accepted_at=accepted,
        ready_at=ready,
        delivered_at=delivered,
    )
    for product, quantity, price in lines:
        OrderLine.objects.create(order=order, product=product, product_name=product.name, quantity=quantity, unit_price=price, options_key=str(product.pk))
    Order.objects.filter(pk=order.pk).update(created_at=placed)
    return order


def build_known_orders(shops):
    p1, p2, p3, p4, p5 = Product.objects.filter(is_active=True).order_by("pk")[:5]
    b, m, o = shops["bastille"], shops["montmartre"], shops["boulogne"]
    d = Decimal
    # 1. B, 10th 12:00, web delivery card, delivered: 2×12.50 + 1×3.00 = 28.00; prep 20, delivery 20 min.
    make_order(b, at(10, 12, 0), [(p1, 2, d("12.50")), (p2, 1, d("3.00"))],
               accepted=at(10, 12, 5), ready=at(10, 12, 25), delivered=at(10, 12, 45))
    # 2. B, 10th 23:30 Paris (22:30 UTC), phone pickup on delivery, delivered: 9.90; prep 15, delivery 3 min.
    make_order(b, at(10, 23, 30), [(p3, 1, d("9.90"))], channel="phone", fulfilment="pickup",
               payment_method="on_delivery", accepted=at(10, 23, 32), ready=at(10, 23, 47), delivered=at(10, 23, 50))
    # 3. B, 11th 00:30 Paris (23:30 UTC on the 10th!), paid online, still in preparation: counts, 12.50.
    make_order(b, at(11, 0, 30), [(p1, 1, d("12.50"))], status="in_preparation", accepted=at(11, 0, 35))
    # 4. B, 11th 19:00, cancelled and refunded: 2×10.00, not counted.
    make_order(b, at(11, 19, 0), [(p5, 2, d("10.00"))], status="cancelled", payment_status="refunded")
    # 5. M, 12th 20:15, counter pickup on delivery, delivered: 3×11.00 = 33.00; prep 20, delivery 4 min.
    make_order(m, at(12, 20, 15), [(p4, 3, d("11.00"))], channel="counter", fulfilment="pickup",
               payment_method="on_delivery", accepted=at(12, 20, 16), ready=at(12, 20, 36), delivered=at(12, 20, 40))
    # 6. M, 12th 20:45, refused, not paid.
    make_order(m, at(12, 20, 45), [(p4, 1, d("11.00"))], status="refused", payment_status="to_pay_on_delivery",
               channel="phone", payment_method="on_delivery")
    # 7. M, 12th 21:00, out for delivery, to pay on delivery: neither delivered nor paid, not counted.
    make_order(m, at(12, 21, 0), [(p2, 1, d("8.00"))], status="out_for_delivery",
               payment_status="to_pay_on_delivery", payment_method="on_delivery")
    # 8. O, 11th 13:00, delivered, partly refunded: counts in full, 2×12.50 = 25.00.
    make_order(o, at(11, 13, 0), [(p1, 2, d("12.50"))], payment_status="partly_refunded")
    # Outside the period: 13th 00:10 Paris and 9th 23:50 Paris (22:50 UTC).
    make_order(b, at(13, 0, 10), [(p1, 4, d("12.50"))])
    make_order(b, at(9, 23, 50), [(p1, 4, d("12.50"))])
    # Written directly, not through the order services: count them as a bulk import would.
    daily_figures.rebuild()
    return {"p1": p1, "p2": p2, "p3": p3, "p4": p4, "p5": p5}
