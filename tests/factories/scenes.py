"""Scenes several test files share: a small menu, stock in a shop, a shop's crew, a small chain."""
from decimal import Decimal
from types import SimpleNamespace

from pizzeria.models import StaffMembership
from product.models import Product
from tests.factories.menu import IngredientFactory, ProductFactory, UnitFactory
from tests.factories.people import HeadOfficeFactory, StaffFactory, UserFactory
from tests.factories.shops import PizzeriaFactory, StaffMembershipFactory, StockFactory


def small_menu():
    """Three pizzas, one with a discount, and a drink without recipe; each ingredient is used by
    a known subset of pizzas (a marinara has no cheese). Returns a namespace of what it built."""
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
