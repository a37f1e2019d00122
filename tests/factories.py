"""Factories (factory-boy): each test builds the shops, staff, menu, stock and orders it needs.

Rows that carry business rules are written through the services, as the application writes
them: stock through pizzeria.services (stock = its ledger), orders through
order.services.place_order (prices, availability, statuses), role groups through the
`setup_roles` command. Plain reference rows (users, shops, units, ingredients, products,
recipes) are created directly.

    shop = PizzeriaFactory()
    mozza = IngredientFactory(name="Mozzarella")
    margherita = ProductFactory(recipe={mozza: "125"})
    StockFactory(pizzeria=shop, ingredient=mozza, quantity="1000")
    pizzaiolo = StaffFactory(pizzeria=shop, role=StaffMembership.Role.PIZZAIOLO)
    order = OrderFactory(pizzeria=shop, lines=[(margherita, 2)])

The demo data (tests/conftest.py: demo_data, demo_users, shops) stays for the end-to-end tests.
"""
from decimal import Decimal
from io import StringIO

import factory
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils.text import slugify
from factory.django import DjangoModelFactory, Password

from account.models import Address, User
from account.roles import HEAD_OFFICE_GROUP
from order.models import Order
from order.services import place_order
from pizzeria.models import Pizzeria, StaffMembership, Stock, StockMovement
from pizzeria.services import count_stock
from product.models import Ingredient, Product, RecipeLine, Unit

PASSWORD = "pizza-test-2026"

# A shop near the Bastille and an address 60 m away: inside any zone the factories draw.
SHOP_LATITUDE, SHOP_LONGITUDE = Decimal("48.853400"), Decimal("2.372200")
NEAR_LATITUDE, NEAR_LONGITUDE = Decimal("48.853000"), Decimal("2.372000")


def ensure_role_groups():
    """The head-office and role groups with their permissions, as `manage.py setup_roles`
    creates them at release (RoleBackend reads the role groups' permissions)."""
    if not Group.objects.filter(name=HEAD_OFFICE_GROUP).exists():
        call_command("setup_roles", stdout=StringIO())
    return Group.objects.get(name=HEAD_OFFICE_GROUP)


# --- people ----------------------------------------------------------------------------------


class AddressFactory(DjangoModelFactory):
    class Meta:
        model = Address

    user = factory.SubFactory("tests.factories.UserFactory", with_address=False)
    label = "Maison"
    line = factory.Sequence(lambda n: f"{n + 1} rue de Lappe")
    postcode = "75011"
    city = "Paris"
    latitude = NEAR_LATITUDE
    longitude = NEAR_LONGITUDE
    is_default = True


class UserFactory(DjangoModelFactory):
    """A customer with a password (PASSWORD) and one default address near the default shop.
    `UserFactory(with_address=False)` for a customer without address."""

    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"client{n}@example.test")
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Durand{n}")
    phone = "06 12 34 56 78"
    password = Password(PASSWORD)
    is_staff = False

    class Params:
        with_address = True

    address = factory.Maybe(
        "with_address",
        yes_declaration=factory.RelatedFactory(AddressFactory, factory_related_name="user"),
        no_declaration=None,
    )


class StaffFactory(UserFactory):
    """A staff account holding `role` (StaffMembership.Role) in `pizzeria` (a new shop when
    not given). `StaffFactory(pizzeria=None)` for a staff account placed in no shop yet."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    class Params:
        with_address = False
        role = StaffMembership.Role.MANAGER
        pizzeria = factory.SubFactory("tests.factories.PizzeriaFactory")

    email = factory.Sequence(lambda n: f"equipe{n}@ocpizza.test")
    first_name = "Luca"
    is_staff = True
    membership = factory.Maybe(
        "pizzeria",
        yes_declaration=factory.RelatedFactory(
            "tests.factories.StaffMembershipFactory",
            factory_related_name="user",
            pizzeria=factory.SelfAttribute("..pizzeria"),
            role=factory.SelfAttribute("..role"),
        ),
        no_declaration=None,
    )

    @factory.post_generation
    def role_groups(obj, create, extracted, **kwargs):
        if create:
            ensure_role_groups()


class StaffMembershipFactory(DjangoModelFactory):
    class Meta:
        model = StaffMembership

    user = factory.SubFactory(StaffFactory, pizzeria=None)
    pizzeria = factory.SubFactory("tests.factories.PizzeriaFactory")
    role = StaffMembership.Role.MANAGER


class HeadOfficeFactory(UserFactory):
    """A head-office account: staff, in the head-office group that `setup_roles` creates."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    class Params:
        with_address = False

    email = factory.Sequence(lambda n: f"siege{n}@ocpizza.test")
    first_name = "Franck"
    is_staff = True

    @factory.post_generation
    def head_office_group(obj, create, extracted, **kwargs):
        if create:
            obj.groups.add(ensure_role_groups())


# --- shops -----------------------------------------------------------------------------------


class PizzeriaFactory(DjangoModelFactory):
    """An open shop delivering 5 km around it (any postcode)."""

    class Meta:
        model = Pizzeria

    name = factory.Sequence(lambda n: f"OC Pizza Test {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    address_line = "12 rue de la Roquette"
    postcode = "75011"
    city = "Paris"
    phone = "01 43 55 10 11"
    latitude = SHOP_LATITUDE
    longitude = SHOP_LONGITUDE
    delivery_radius_km = Decimal("5")
    served_postcodes = ""
    status = Pizzeria.Status.OPEN


# --- menu ------------------------------------------------------------------------------------


class UnitFactory(DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ("symbol",)

    name = factory.Sequence(lambda n: f"unité {n}")
    symbol = factory.Sequence(lambda n: f"u{n}")


class IngredientFactory(DjangoModelFactory):
    class Meta:
        model = Ingredient
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Ingrédient {n}")
    unit = factory.SubFactory(UnitFactory, name="gramme", symbol="g")
    low_stock_threshold = Decimal("0")


class ProductFactory(DjangoModelFactory):
    """A product on the menu; `recipe={ingredient: quantity, ...}` gives it its recipe lines."""

    class Meta:
        model = Product
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Pizza {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    category = Product.Category.PIZZA
    description = "Tomate, mozzarella."
    price = Decimal("12.00")
    discount_price = None
    is_active = True

    @factory.post_generation
    def recipe(obj, create, extracted, **kwargs):
        for ingredient, quantity in (extracted or {}).items():
            RecipeLineFactory(product=obj, ingredient=ingredient, quantity=Decimal(quantity))


class RecipeLineFactory(DjangoModelFactory):
    class Meta:
        model = RecipeLine

    product = factory.SubFactory(ProductFactory)
    ingredient = factory.SubFactory(IngredientFactory)
    quantity = Decimal("100")


class StockFactory(DjangoModelFactory):
    """`quantity` of an ingredient in a shop, written through pizzeria.services.count_stock:
    a goods delivery in the ledger, so that stock = the sum of its movements."""

    class Meta:
        model = Stock

    pizzeria = factory.SubFactory(PizzeriaFactory)
    ingredient = factory.SubFactory(IngredientFactory)
    quantity = Decimal("1000")

    @classmethod
    def _create(cls, model_class, *, pizzeria, ingredient, quantity, **kwargs):
        count_stock(
            pizzeria=pizzeria, ingredient=ingredient, counted=Decimal(quantity),
            reason=StockMovement.Reason.DELIVERY, note="Stock initial (test)", **kwargs,
        )
        return model_class.objects.get(pizzeria=pizzeria, ingredient=ingredient)


# --- orders ----------------------------------------------------------------------------------


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


# --- scenes several test files share ---------------------------------------------------------


def small_menu():
    """Three pizzas, one with a discount, and a drink without recipe; each ingredient is used by
    a known subset of pizzas (a marinara has no cheese). Returns a namespace of what it built."""
    from types import SimpleNamespace

    tomato = IngredientFactory(name="Sauce tomate", low_stock_threshold=Decimal("500"))
    mozza = IngredientFactory(name="Mozzarella", low_stock_threshold=Decimal("500"))
    ham = IngredientFactory(name="Jambon", low_stock_threshold=Decimal("200"))
    garlic = IngredientFactory(name="Ail", unit=UnitFactory(name="pièce", symbol="pc"), low_stock_threshold=Decimal("5"))
    return SimpleNamespace(
        tomato=tomato, mozza=mozza, ham=ham, garlic=garlic,
        margherita=ProductFactory(name="Margherita", price=Decimal("10.50"), recipe={tomato: "80", mozza: "125"}),
        reine=ProductFactory(
            name="Reine", price=Decimal("13.00"), discount_price=Decimal("11.90"),
            recipe={tomato: "80", mozza: "100", ham: "60"},
        ),
        marinara=ProductFactory(name="Marinara", price=Decimal("9.00"), recipe={tomato: "100", garlic: "2"}),
        cola=ProductFactory(name="Coca-Cola", category=Product.Category.DRINK, price=Decimal("3.50")),
    )


def stock_up(shop, quantities):
    """{ingredient: quantity} of stock in `shop`, each through the ledger (StockFactory)."""
    return {ingredient: StockFactory(pizzeria=shop, ingredient=ingredient, quantity=q) for ingredient, q in quantities.items()}


def crew(shop, *roles):
    """One staff member per role in `shop` (all three roles by default): {role value: user}."""
    roles = roles or tuple(StaffMembership.Role)
    return {str(role): StaffFactory(pizzeria=shop, role=role) for role in roles}


def small_chain():
    """The demo's shape in miniature, for tests that need several shops and every role:
    Bastille and Boulogne well stocked, Montmartre short of mozzarella (below its threshold and
    below one margherita); `people` has the keys of conftest's demo_users (a manager of Bastille
    and Montmartre, Bastille's pizzaiolo and driver, Boulogne's manager, head office, a customer)."""
    from types import SimpleNamespace

    menu = small_menu()
    shops = {slug: PizzeriaFactory(name=f"OC Pizza {slug.title()}", slug=slug) for slug in ("bastille", "montmartre", "boulogne")}
    full = {menu.tomato: "8000", menu.mozza: "6000", menu.ham: "3000", menu.garlic: "100"}
    stock_up(shops["bastille"], full)
    stock_up(shops["boulogne"], full)
    stock_up(shops["montmartre"], {**full, menu.mozza: "50"})
    people = crew(shops["bastille"])
    StaffMembershipFactory(user=people["manager"], pizzeria=shops["montmartre"], role=StaffMembership.Role.MANAGER)
    people["manager_boulogne"] = StaffFactory(pizzeria=shops["boulogne"], role=StaffMembership.Role.MANAGER)
    people["head_office"] = HeadOfficeFactory()
    people["customer"] = UserFactory()
    return SimpleNamespace(menu=menu, shops=shops, people=people)
