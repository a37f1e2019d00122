"""Synthetic order history for the demo's dashboard and for bench/dashboard.py.

Bulk inserts (no history rows, no stock movements): this fills the statistics, it does not
simulate the order workflow. Every generated order number starts with `prefix`.
"""
import random
from contextlib import contextmanager
from datetime import datetime, time, timedelta

from django.db import transaction

from dashboard.forms import PARIS
from order import daily_figures
from order.models import Order, OrderLine

# Relative weight of each opening hour (Paris time): lunch and dinner peaks.
HOUR_WEIGHTS = {11: 3, 12: 10, 13: 8, 14: 3, 15: 1, 16: 1, 17: 2, 18: 5, 19: 12, 20: 14, 21: 8, 22: 3}


@contextmanager
def _keep_created_at():
    """bulk_create would stamp auto_now_add fields with the present time; keep ours."""
    field = Order._meta.get_field("created_at")
    line_field = OrderLine._meta.get_field("created_at")
    saved = field.auto_now_add, line_field.auto_now_add
    field.auto_now_add = line_field.auto_now_add = False
    try:
        yield
    finally:
        field.auto_now_add, line_field.auto_now_add = saved


def generate_orders(*, pizzerias, products, count, first_day, last_day, seed=0, prefix="GEN", first_number=0, batch=5000):
    """Insert `count` finished orders (delivered, cancelled or refused) placed between
    `first_day` and `last_day` (dates, Paris time) in `pizzerias`, with 1 to 4 lines each."""
    rng = random.Random(seed)
    days = (last_day - first_day).days + 1
    hours, weights = list(HOUR_WEIGHTS), list(HOUR_WEIGHTS.values())
    shop_weights = [1 + (index % 3) for index in range(len(pizzerias))]
    prices = [(product, product.selling_price) for product in products]
    made = 0
    with _keep_created_at():
        while made < count:
            size = min(batch, count - made)
            orders, chosen_lines = [], []
            for n in range(size):
                day = first_day + timedelta(days=rng.randrange(days))
                placed = datetime.combine(day, time(rng.choices(hours, weights)[0], rng.randrange(60), rng.randrange(60)), PARIS)
                status = rng.choices(["delivered", "cancelled", "refused"], [92, 5, 3])[0]
                fulfilment = rng.choices(["delivery", "pickup"], [6, 4])[0]
                method = rng.choices(["card_online", "on_delivery"], [55, 45])[0]
                order = Order(
                    number=f"{prefix}-{first_number + made + n:09d}",
                    pizzeria=rng.choices(pizzerias, shop_weights)[0],
                    customer_name="Client démo",
                    channel=rng.choices(["web", "phone", "counter"], [6, 3, 1])[0],
                    fulfilment=fulfilment,
                    delivery_line="1 rue de la Démo" if fulfilment == "delivery" else "",
                    delivery_postcode="75011" if fulfilment == "delivery" else "",
                    delivery_city="Paris" if fulfilment == "delivery" else "",
                    payment_method=method,
                    status=status,
                    created_at=placed,
                    confirmed_at=placed,
                )
                if status == "delivered":
                    order.accepted_at = placed + timedelta(minutes=rng.randint(1, 8))
                    order.ready_at = order.accepted_at + timedelta(minutes=rng.randint(12, 25))
                    order.delivered_at = order.ready_at + timedelta(minutes=rng.randint(5, 35) if fulfilment == "delivery" else rng.randint(1, 15))
                    order.payment_status = Order.PaymentStatus.PAID
                elif status == "refused":
                    order.refused_at = placed + timedelta(minutes=3)
                    order.payment_status = Order.PaymentStatus.REFUNDED if method == "card_online" else Order.PaymentStatus.TO_PAY_ON_DELIVERY
                else:
                    order.cancelled_at = placed + timedelta(minutes=2)
                    order.payment_status = Order.PaymentStatus.REFUNDED if method == "card_online" else Order.PaymentStatus.TO_PAY_ON_DELIVERY
                picked = rng.sample(prices, k=min(len(prices), rng.choices([1, 2, 3, 4], [3, 4, 2, 1])[0]))
                picked = [(product, price, rng.choices([1, 2, 3], [6, 3, 1])[0]) for product, price in picked]
                order.total = sum(price * quantity for _p, price, quantity in picked)
                if status == "delivered":
                    order.amount_paid = order.total
                orders.append(order)
                chosen_lines.append(picked)
            with transaction.atomic():
                Order.objects.bulk_create(orders)
                OrderLine.objects.bulk_create(
                    [
                        OrderLine(order=order, product=product, product_name=product.name, quantity=quantity,
                                  unit_price=price, created_at=order.created_at, options_key=str(product.pk))
                        for order, picked in zip(orders, chosen_lines)
                        for product, price, quantity in picked
                    ],
                    batch_size=batch,
                )
            made += size
    # Bulk inserts bypass the order services: the shop-days they filled are counted here.
    daily_figures.rebuild(first_day=first_day, last_day=last_day, pizzeria_ids=[p.pk for p in pizzerias])
    return made
