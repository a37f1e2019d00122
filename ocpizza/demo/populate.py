"""Loads reference data (units, ingredients, menu, recipes) and demo data (pizzerias, stock,
one login per role, a few orders) from fixtures/. Matching is by natural keys, so running it
twice changes nothing.

Lives in the `demo` app, above every domain app: it builds orders through order.services, so
the menu (product) no longer depends on orders."""
import json
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from account.models import Address, User
from account.roles import HEAD_OFFICE_GROUP, has_role
from account.services import setup_role_groups
from order import daily_figures, notifications, services
from order.models import Order
from pizzeria.legal import LEGAL_FIELDS
from pizzeria.models import Pizzeria, StaffMembership, Stock, StockMovement
from pizzeria.services import count_stock
from product.line_recipe import LineChoice
from product.models import Extra, ExtraPrice, Ingredient, Product, ProductSize, RecipeLine, Size, Unit

FIXTURES_DIR = settings.REPO_DIR / "fixtures"


def _read(name):
    with open(FIXTURES_DIR / name, encoding="utf-8") as handle:
        return json.load(handle)


def _upsert(model, lookup, defaults):
    """Create, or update only when a value differs: release-tasks.sh runs this at every deployment
    and a second run must not touch `updated_at` nor add history rows."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **defaults)
    if any(getattr(obj, field) != value for field, value in defaults.items()):
        for field, value in defaults.items():
            setattr(obj, field, value)
        obj.save()
    return obj


@transaction.atomic
def load_reference():
    data = _read("reference.json")
    units = {}
    for row in data["units"]:
        units[row["symbol"]] = _upsert(Unit, {"symbol": row["symbol"]}, {"name": row["name"]})
    ingredients = {}
    for row in data["ingredients"]:
        # "allergens" absent: nobody has documented them (shown as such, never as "none").
        ingredients[row["name"]] = _upsert(
            Ingredient,
            {"name": row["name"]},
            {
                "unit": units[row["unit"]], "low_stock_threshold": Decimal(row["low_stock_threshold"]),
                "allergens": row.get("allergens", []), "allergens_known": "allergens" in row,
            },
        )
    sizes = {
        row["code"]: _upsert(
            Size, {"code": row["code"]},
            {"name": row["name"], "factor": Decimal(row["factor"]), "position": row["position"]},
        )
        for row in data.get("sizes", [])
    }
    for row in data["products"]:
        defaults = {
            "name": row["name"],
            "category": row["category"],
            "description": row["description"],
            "price": Decimal(row["price"]),
            "discount_price": Decimal(row["discount_price"]) if row.get("discount_price") else None,
            "allows_halves": bool(row.get("allows_halves")),
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
        for ingredient_name in row.get("not_removable", []):
            line = RecipeLine.objects.get(product=product, ingredient=ingredients[ingredient_name])
            if line.removable:
                line.removable = False
                line.save()
        for code, price in row.get("sizes", {}).items():
            _upsert(ProductSize, {"product": product, "size": sizes[code]}, {"price": Decimal(price)})
    for row in data.get("extras", []):
        extra = _upsert(
            Extra, {"name": row["name"]}, {"ingredient": ingredients[row["ingredient"]], "quantity": Decimal(row["quantity"])}
        )
        for code, price in row["prices"].items():
            _upsert(ExtraPrice, {"extra": extra, "size": sizes[code]}, {"price": Decimal(price)})
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
        elif not pizzerias[slug].siret:
            # A shop created before its legal details existed (issue 18) gets the demo's.
            Pizzeria.objects.filter(pk=pizzerias[slug].pk).update(**{f: row[f] for f in LEGAL_FIELDS if f in row})

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


# How far along the workflow each demo status is, in order.
_PATH = ["accept", "finish", "take", "deliver"]
_STEPS_DONE = {"to_prepare": 0, "in_preparation": 1, "ready": 2, "out_for_delivery": 3, "delivered": 4}
# Timestamp field set by each step, to spread the demo history over the last hours.
_STEP_FIELDS = {"accept": "accepted_at", "finish": "ready_at", "take": "out_for_delivery_at", "deliver": "delivered_at"}


def _custom_choice(line):
    """A customised demo line (issue 16) by names: product slug, size code, extras, ingredients left out, second half."""
    return LineChoice(
        product_id=Product.objects.get(slug=line["product"]).pk,
        size_id=Size.objects.get(code=line["size"]).pk if line.get("size") else None,
        extra_ids=[Extra.objects.get(name=name).pk for name in line.get("extras", [])],
        removed_ids=[Ingredient.objects.get(name=name).pk for name in line.get("without", [])],
        half_id=Product.objects.get(slug=line["half"]).pk if line.get("half") else None,
    )


def _load_orders(order_rows, pizzerias, users):
    """Demo orders go through the same services as real ones (prices, stock, ledger, statuses);
    only their times are moved back afterwards so that the queues look lived-in."""
    if Order.objects.filter(customer__email__in=[row["customer"] for row in order_rows]).exists():
        return  # demo orders already there
    head_office = users.get("siege@ocpizza.fr")
    now = timezone.now()

    def staff(email, pizzeria, role):
        # The demo pizzaiolo and driver work at Bastille; head office acts for the other shops.
        user = users.get(email)
        return user if user is not None and has_role(user, pizzeria, role) else head_office

    with notifications.muted():
        for index, row in enumerate(order_rows):
            customer = users[row["customer"]]
            pizzeria = pizzerias[row["pizzeria"]]
            pizzaiolo = staff("pizzaiolo@ocpizza.fr", pizzeria, "pizzaiolo")
            channel = row.get("channel", "web")
            order = services.place_order(
                pizzeria=pizzeria,
                customer=customer,
                lines=[(Product.objects.get(slug=slug), quantity) for slug, quantity in row["lines"].items()]
                + [(_custom_choice(line), line["quantity"]) for line in row.get("custom_lines", [])],
                fulfilment=row["fulfilment"],
                payment_method=row["payment_method"],
                channel=channel,
                address=customer.addresses.first() if row["fulfilment"] == "delivery" else None,
                by=customer if channel == "web" else pizzaiolo,
            )
            started = now - timedelta(minutes=15 * (len(order_rows) - index))
            times = {"created_at": started, "confirmed_at": started}
            status = row["status"]
            steps = _PATH[: _STEPS_DONE.get(status, 0)]
            if row["fulfilment"] == "pickup":
                steps = [step for step in steps if step != "take"]
            for number, step in enumerate(steps, start=1):
                driver_step = step in ("take", "deliver") and row["fulfilment"] == "delivery"
                by = staff("livreur@ocpizza.fr", pizzeria, "driver") if driver_step else pizzaiolo
                extra = {"collected": order.total, "method": "cash"} if step == "deliver" else {}
                services.run_transition(order, step, by=by, **extra)
                times[_STEP_FIELDS[step]] = started + timedelta(minutes=5 * number)
            if status == "cancelled":
                services.cancel_order(order, by=customer, reason="Annulée par le client")
                times["cancelled_at"] = started + timedelta(minutes=2)
            elif status == "refused":
                services.refuse_order(order, by=pizzaiolo, reason="Four en panne")
                times["refused_at"] = started + timedelta(minutes=3)
            Order.objects.filter(pk=order.pk).update(**times)
    # The times moved the orders to other days than the services counted them on.
    daily_figures.rebuild()
