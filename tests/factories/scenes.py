"""Scenes several test files share: a small menu, stock in a shop, a shop's crew, a small chain."""
from decimal import Decimal
from types import SimpleNamespace

from pizzeria.models import StaffMembership
from product.models import Product, RecipeLine
from tests.factories.menu import ExtraFactory, IngredientFactory, ProductFactory, SizeFactory, UnitFactory, sized
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


def options_menu():
    """The menu of the options tests (issue 16), numbers chosen to be worked out by hand:

    sizes Petite 26 cm (×0.75), Moyenne 33 cm (×1, reference), Grande 40 cm (×1.5);
    Reine: pâte 1, tomate 80, mozzarella 100, jambon 60, champignons 50 — 8.50 / 11.50 / 14.50 €;
    Margherita (halves allowed): pâte 1, tomate 80, mozzarella 120 — 7.00 / 9.50 / 12.50 €;
    Quatre fromages (halves allowed): pâte 1, crème 60, mozzarella 80, gorgonzola 40 — 10.00 / 13.00 / 16.00 €;
    the dough cannot be removed; a drink without sizes; extra mozzarella 40 g at ×1, 1.00 / 1.50 / 2.00 €.
    Allergens: mozzarella, crème and gorgonzola milk, dough gluten, tomato none, ham undocumented."""
    g = UnitFactory(name="gramme", symbol="g")
    pc = UnitFactory(name="pièce", symbol="pc")
    dough = IngredientFactory(name="Pâte à pizza", unit=pc, allergens=["gluten"], allergens_known=True)
    tomato = IngredientFactory(name="Sauce tomate", unit=g, allergens=[], allergens_known=True)
    mozza = IngredientFactory(name="Mozzarella", unit=g, allergens=["lait"], allergens_known=True)
    ham = IngredientFactory(name="Jambon", unit=g)
    mushrooms = IngredientFactory(name="Champignons", unit=g, allergens=[], allergens_known=True)
    cream = IngredientFactory(name="Crème fraîche", unit=g, allergens=["lait"], allergens_known=True)
    gorgonzola = IngredientFactory(name="Gorgonzola", unit=g, allergens=["lait"], allergens_known=True)
    small = SizeFactory(code="petite", name="Petite 26 cm", factor=Decimal("0.75"), position=1)
    medium = SizeFactory(code="moyenne", name="Moyenne 33 cm", factor=Decimal("1"), position=2)
    large = SizeFactory(code="grande", name="Grande 40 cm", factor=Decimal("1.5"), position=3)
    reine = sized(ProductFactory(name="Reine", price=Decimal("11.50"), recipe={
        dough: "1", tomato: "80", mozza: "100", ham: "60", mushrooms: "50"}), {small: "8.50", medium: "11.50", large: "14.50"})
    margherita = sized(ProductFactory(name="Margherita", price=Decimal("9.50"), allows_halves=True, recipe={
        dough: "1", tomato: "80", mozza: "120"}), {small: "7.00", medium: "9.50", large: "12.50"})
    four_cheeses = sized(ProductFactory(name="Quatre fromages", price=Decimal("13.00"), allows_halves=True, recipe={
        dough: "1", cream: "60", mozza: "80", gorgonzola: "40"}), {small: "10.00", medium: "13.00", large: "16.00"})
    RecipeLine.objects.filter(ingredient=dough).update(removable=False)
    extra_mozza = ExtraFactory(name="Mozzarella", ingredient=mozza, quantity=Decimal("40"),
                               prices={small: "1.00", medium: "1.50", large: "2.00"})
    cola = ProductFactory(name="Coca-Cola", category=Product.Category.DRINK, price=Decimal("3.50"))
    return SimpleNamespace(**{k: v for k, v in locals().items() if k not in ("g", "pc")})


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
