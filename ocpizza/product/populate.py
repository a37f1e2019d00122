"""Loads reference data (units, ingredients, menu, recipes) and demo data (pizzerias, stock,
one login per role, a few orders) from fixtures/. Matching is by natural keys, so running it
twice changes nothing."""
import json
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from account.models import Address, User
from account.roles import HEAD_OFFICE_GROUP
from account.services import setup_role_groups
from pizzeria.models import Pizzeria, StaffMembership, Stock, StockMovement
from pizzeria.services import adjust_stock, count_stock
from product.models import Ingredient, Product, RecipeLine, Unit

FIXTURES_DIR = settings.REPO_DIR / "fixtures"


def _read(name):
    with open(FIXTURES_DIR / name, encoding="utf-8") as handle:
        return json.load(handle)


@transaction.atomic
def load_reference():
    data = _read("reference.json")
    units = {}
    for row in data["units"]:
        units[row["symbol"]], _c = Unit.objects.update_or_create(symbol=row["symbol"], defaults={"name": row["name"]})
    ingredients = {}
    for row in data["ingredients"]:
        ingredients[row["name"]], _c = Ingredient.objects.update_or_create(
            name=row["name"],
            defaults={"unit": units[row["unit"]], "low_stock_threshold": Decimal(row["low_stock_threshold"])},
        )
    for row in data["products"]:
        defaults = {
            "name": row["name"],
            "category": row["category"],
            "description": row["description"],
            "price": Decimal(row["price"]),
            "discount_price": Decimal(row["discount_price"]) if row.get("discount_price") else None,
        }
        product = Product.objects.filter(slug=row["slug"]).first()
        if product is None:
            product = Product(slug=row["slug"], **defaults)
            product.full_clean()
            product.save()
        elif any(getattr(product, field) != value for field, value in defaults.items()):
            for field, value in defaults.items():
                setattr(product, field, value)
            product.full_clean()
            product.save()
        for ingredient_name, quantity in row["recipe"].items():
            line = RecipeLine.objects.filter(product=product, ingredient=ingredients[ingredient_name]).first()
            if line is None:
                RecipeLine.objects.create(product=product, ingredient=ingredients[ingredient_name], quantity=Decimal(quantity))
            elif line.quantity != Decimal(quantity):
                line.quantity = Decimal(quantity)
                line.save()
    return data


@transaction.atomic
def load_demo():
    data = _read("demo.json")
    setup_role_groups()
    pizzerias = {}
    for row in data["pizzerias"]:
        row = dict(row)
        slug = row.pop("slug")
        pizzerias[slug] = Pizzeria.objects.filter(slug=slug).first()
        if pizzerias[slug] is None:
            pizzerias[slug] = Pizzeria.objects.create(slug=slug, **row)

    _load_stock(data["stock"], pizzerias)
    users = _load_users(data, pizzerias)
    _load_orders(data["orders"], pizzerias, users)
    return data


def _load_stock(stock_data, pizzerias):
    portions = Decimal(stock_data["default_portions"])
    # Enough of each ingredient for `portions` uses of the largest recipe quantity.
    largest = {}
    for line in RecipeLine.objects.select_related("ingredient"):
        largest[line.ingredient_id] = max(largest.get(line.ingredient_id, Decimal(0)), line.quantity)
    for slug, pizzeria in pizzerias.items():
        if pizzeria.status != Pizzeria.Status.OPEN:
            continue
        overrides = stock_data["overrides"].get(slug, {})
        existing = set(Stock.objects.filter(pizzeria=pizzeria).values_list("ingredient_id", flat=True))
        for ingredient in Ingredient.objects.all():
            if ingredient.pk in existing:
                continue  # a second run leaves counted stock alone
            quantity = Decimal(overrides.get(ingredient.name, largest.get(ingredient.pk, Decimal(0)) * portions))
            if quantity > 0:
                count_stock(
                    pizzeria=pizzeria, ingredient=ingredient, counted=quantity,
                    reason=StockMovement.Reason.DELIVERY, note="Stock initial (démo)",
                )
            else:
                Stock.objects.create(pizzeria=pizzeria, ingredient=ingredient, quantity=0)


def _load_users(data, pizzerias):
    users = {}
    head_office = Group.objects.get(name=HEAD_OFFICE_GROUP)
    for row in data["users"]:
        user = User.objects.filter(email=row["email"]).first()
        if user is None:
            user = User.objects.create_user(
                email=row["email"],
                password=data["password"],
                first_name=row["first_name"],
                last_name=row["last_name"],
                phone=row.get("phone", ""),
                is_staff=row["role"] != "customer",
            )
        users[row["email"]] = user
        if row["role"] == "head_office":
            user.groups.add(head_office)
        for slug in row.get("pizzerias", []):
            StaffMembership.objects.get_or_create(user=user, pizzeria=pizzerias[slug], role=row["role"])
        if "address" in row and not user.addresses.exists():
            Address.objects.create(user=user, is_default=True, **row["address"])
    return users


# Timestamps each demo status has reached, in workflow order.
_STEPS = ["confirmed_at", "accepted_at", "ready_at", "out_for_delivery_at", "delivered_at"]
_REACHED = {
    "to_prepare": 1, "in_preparation": 2, "ready": 3, "out_for_delivery": 4, "delivered": 5,
    "cancelled": 1, "refused": 1,
}


def _load_orders(order_rows, pizzerias, users):
    from order.models import Order, OrderLine

    if Order.objects.filter(customer__email__in=[row["customer"] for row in order_rows]).exists():
        return  # demo orders already there
    pizzaiolo = users.get("pizzaiolo@ocpizza.fr")
    driver = users.get("livreur@ocpizza.fr")
    now = timezone.now()
    for index, row in enumerate(order_rows):
        customer = users[row["customer"]]
        address = customer.addresses.first()
        started = now - timedelta(minutes=15 * (len(order_rows) - index))
        order = Order(
            pizzeria=pizzerias[row["pizzeria"]],
            customer=customer,
            customer_name=customer.get_full_name(),
            customer_phone=customer.phone,
            customer_email=customer.email,
            channel=row.get("channel", "web"),
            fulfilment=row["fulfilment"],
            payment_method=row["payment_method"],
            payment_status=Order.PaymentStatus.TO_PAY_ON_DELIVERY,
            status=row["status"],
        )
        if row["fulfilment"] == "delivery":
            order.delivery_line, order.delivery_postcode, order.delivery_city = address.line, address.postcode, address.city
            order.delivery_latitude, order.delivery_longitude = address.latitude, address.longitude
        for step in _STEPS[: _REACHED[row["status"]]]:
            setattr(order, step, started + timedelta(minutes=5 * _STEPS.index(step)))
        if row["status"] == "cancelled":
            order.cancelled_at, order.cancellation_reason = started + timedelta(minutes=2), "Annulée par le client"
        if row["status"] == "refused":
            order.refused_at, order.refusal_reason = started + timedelta(minutes=3), "Four en panne"
        if _REACHED[row["status"]] >= 2 and row["status"] not in ("cancelled", "refused"):
            order.pizzaiolo = pizzaiolo
        if _REACHED[row["status"]] >= 4 and row["fulfilment"] == "delivery":
            order.driver = driver
        order.save()
        total = Decimal(0)
        for slug, quantity in row["lines"].items():
            product = Product.objects.get(slug=slug)
            OrderLine.objects.create(
                order=order, product=product, product_name=product.name, quantity=quantity, unit_price=product.selling_price
            )
            total += product.selling_price * quantity
        order.total = total
        if row["status"] == "delivered":
            order.payment_status = Order.PaymentStatus.PAID
            order.amount_paid = order.collected_amount = total
            order.collected_method = Order.CollectionMethod.CASH
        order.save()
        Order.objects.filter(pk=order.pk).update(created_at=started)
        if order.accepted_at:
            # Accepted orders took their ingredients: the ledger says so.
            for line in order.lines.select_related("product"):
                for recipe_line in line.product.recipe_lines.select_related("ingredient"):
                    adjust_stock(
                        pizzeria=order.pizzeria, ingredient=recipe_line.ingredient,
                        delta=-(recipe_line.quantity * line.quantity),
                        reason=StockMovement.Reason.ORDER, order=order, by=pizzaiolo,
                    )
