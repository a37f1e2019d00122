"""Benchmark data on top of the demo data: customers, staff, plenty of stock, many orders.

Runs inside a configured Django process (bench.common.setup_django).
"""
import random
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from bench.common import BENCH_PASSWORD

BENCH_SHOPS = ("bastille", "montparnasse", "boulogne")


@transaction.atomic
def make_customers(count, *, shops=BENCH_SHOPS):
    """`count` customer accounts, each with a default address near one of `shops` (inside its zone)."""
    from django.contrib.auth.hashers import make_password

    from account.models import Address, User
    from pizzeria.models import Pizzeria

    pizzerias = {p.slug: p for p in Pizzeria.objects.filter(slug__in=shops)}
    password = make_password(BENCH_PASSWORD)  # hashed once: the same for every bench account
    users = User.objects.bulk_create(
        [
            User(email=f"bench.client{index}@example.test", first_name="Client", last_name=f"Bench {index}",
                 phone="0601020304", password=password)
            for index in range(count)
        ]
    )
    addresses = []
    customers = []
    for index, user in enumerate(users):
        shop = pizzerias[shops[index % len(shops)]]
        addresses.append(
            Address(
                user=user, label="Bureau", line=f"{index + 1} rue du Banc d'Essai", postcode=shop.postcode,
                city=shop.city, latitude=shop.latitude, longitude=shop.longitude, is_default=True,
            )
        )
        customers.append({"email": user.email, "shop": shop.slug, "pizzeria_id": shop.pk, "user_id": user.pk})
    Address.objects.bulk_create(addresses)
    return customers


@transaction.atomic
def make_staff(*, shops=BENCH_SHOPS):
    """One pizzaiolo and one driver per shop: {slug: {"pizzaiolo": User, "driver": User}}."""
    from account.models import User
    from pizzeria.models import Pizzeria, StaffMembership

    staff = {}
    for pizzeria in Pizzeria.objects.filter(slug__in=shops):
        staff[pizzeria.slug] = {}
        for role in ("pizzaiolo", "driver"):
            user = User.objects.create_user(
                email=f"bench.{role}.{pizzeria.slug}@example.test", password=BENCH_PASSWORD, is_staff=True,
                first_name=role.capitalize(), last_name=pizzeria.name,
            )
            StaffMembership.objects.create(user=user, pizzeria=pizzeria, role=role)
            staff[pizzeria.slug][role] = user
    return staff


def stock_up(*, shops=BENCH_SHOPS, portions=3000, tight=None):
    """Enough of every ingredient for `portions` uses of its largest recipe quantity, through the
    ledger (pizzeria.services.count_stock). `tight` = {slug: {ingredient name: portions}} keeps
    some lines short on purpose so that concurrent carts and accepts fight over them."""
    from pizzeria.models import Pizzeria, StockMovement
    from pizzeria.services import count_stock
    from product.models import Ingredient, RecipeLine

    tight = tight or {}
    largest = {}
    for line in RecipeLine.objects.all():
        largest[line.ingredient_id] = max(largest.get(line.ingredient_id, Decimal(0)), line.quantity)
    for pizzeria in Pizzeria.objects.filter(slug__in=shops):
        for ingredient in Ingredient.objects.all():
            count = tight.get(pizzeria.slug, {}).get(ingredient.name, portions)
            quantity = Decimal(largest.get(ingredient.pk, 1)) * count
            count_stock(
                pizzeria=pizzeria, ingredient=ingredient, counted=quantity,
                reason=StockMovement.Reason.DELIVERY, note="Réassort (banc d'essai)",
            )


# Final statuses are most of a chain's history; the rest sit in the queues.
_HISTORY_MIX = (("delivered", 80), ("cancelled", 5), ("refused", 3))
_ACTIVE = ("to_prepare", "in_preparation", "ready", "out_for_delivery")


def grow_orders(count, *, active_share=0.03, seed=7):
    """Add `count` orders spread over the open shops and the last 90 days, with 1 to 3 lines each.

    Written in bulk (no history rows, no ledger): they only give the pages something to list.
    `active_share` of them sit in the kitchen and driver queues.
    """
    from account.models import User
    from order.models import Order, OrderLine
    from pizzeria.models import Pizzeria
    from product.models import Product

    rng = random.Random(seed)
    shops = list(Pizzeria.objects.filter(status=Pizzeria.Status.OPEN))
    products = list(Product.objects.filter(is_active=True))
    customers = list(User.objects.filter(is_staff=False, is_superuser=False)[:200])
    now = timezone.now()
    statuses = [s for s, weight in _HISTORY_MIX for _ in range(weight)]
    orders = []
    for index in range(count):
        shop = shops[index % len(shops)]
        customer = customers[index % len(customers)]
        status = rng.choice(_ACTIVE) if rng.random() < active_share else rng.choice(statuses)
        delivery = rng.random() < 0.7
        created = now - timedelta(minutes=rng.randint(1, 90 * 24 * 60))
        orders.append(
            Order(
                pizzeria=shop, customer=customer, customer_name=customer.get_full_name(),
                customer_email=customer.email, customer_phone="0601020304",
                fulfilment="delivery" if delivery else "pickup",
                delivery_line="1 rue du Volume" if delivery else "", delivery_postcode=shop.postcode if delivery else "",
                delivery_city=shop.city if delivery else "",
                payment_method="on_delivery", status=status,
                payment_status="paid" if status == "delivered" else "to_pay_on_delivery",
                confirmed_at=created, delivered_at=created + timedelta(minutes=40) if status == "delivered" else None,
            )
        )
    with transaction.atomic():
        Order.objects.bulk_create(orders, batch_size=1000)
        lines = []
        for order in orders:
            picked = rng.sample(products, rng.randint(1, 3))
            total = Decimal(0)
            for product in picked:
                quantity = rng.randint(1, 3)
                lines.append(OrderLine(order=order, product=product, product_name=product.name, quantity=quantity,
                                       unit_price=product.selling_price, options_key=str(product.pk)))
                total += product.selling_price * quantity
            order.total = total
            if order.status == "delivered":
                order.amount_paid = total
        OrderLine.objects.bulk_create(lines, batch_size=2000)
        Order.objects.bulk_update(orders, ["total", "amount_paid"], batch_size=1000)
        # created_at is auto_now_add: spread it over the period afterwards.
        for order in orders:
            order.created_at = order.confirmed_at
        Order.objects.bulk_update(orders, ["created_at"], batch_size=1000)
    return len(orders)
