"""F-ADM-7: a realistic menu import, and a product's recipe in a file replacing its old one."""
import re
from decimal import Decimal

import pytest

from tests.support.import_helpers import csv_bytes, import_file, upload, xlsx_bytes

PRODUCT_HEADERS = ["identifiant", "nom", "categorie", "description", "prix", "prix_remise", "a_la_carte"]


def _hundred_row_menu():
    """The 19 demo products (a few repriced) plus 81 new ones, as a franchise would send it."""
    from product.models import Product

    rows = [PRODUCT_HEADERS]
    for product in Product.objects.order_by("slug"):
        price = product.price + Decimal("0.50") if product.category == "pizza" else product.price
        discount = "" if product.discount_price is None else format(product.discount_price, "f").replace(".", ",")
        rows.append([product.slug, product.name, product.get_category_display(), product.description,
                     format(price, "f").replace(".", ","), discount, "oui"])
    bases = ["Pizza", "Calzone", "Focaccia"]
    toppings = ["aux quatre légumes", "au pesto", "à la truffe", "à l'œuf", "au saumon", "du marché", "au speck",
                "aux fruits de mer", "à la nduja"]
    n = 0
    while len(rows) < 101:
        base, topping = bases[n % 3], toppings[n % 9]
        slug = f"{base.lower()}-special-{n}"
        rows.append([slug, f"{base} {topping} n°{n}", "Pizza", f"{base} {topping}; pâte maison, « recette du chef ».",
                     f"{11 + n % 5},{n % 10}0", f"{10 + n % 5},00" if n % 4 == 0 else "", "oui" if n % 7 else "non"])
        n += 1
    return rows


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_realistic_hundred_row_menu_imports(demo_users, client_for, fmt):
    from product.models import Product

    rows = _hundred_row_menu()
    assert len(rows) == 101
    client = client_for(demo_users["head_office"])
    content = csv_bytes(rows) if fmt == "csv" else xlsx_bytes(rows)
    preview, _done = import_file(client, "produits", content, fmt=fmt)

    totals = preview.context["result"].totals
    assert (totals["new"], totals["update"], totals["skip"]) == (81, 16, 3)  # drinks and dessert unchanged
    assert Product.objects.count() == 100
    assert Product.objects.get(slug="margherita").price == Decimal("10.00")
    special = Product.objects.get(slug="focaccia-special-2")
    assert (special.name, special.price, special.is_active) == ("Focaccia à la truffe n°2", Decimal("13.20"), True)
    assert Product.objects.get(slug="pizza-special-0").discount_price == Decimal("10.00")
    assert Product.objects.get(slug="pizza-special-0").is_active is False


@pytest.mark.django_db
def test_a_products_recipe_in_the_file_replaces_the_old_one(demo_users, client_for):
    from product.models import RecipeLine

    head_office = demo_users["head_office"]
    client = client_for(head_office)
    reine_before = set(RecipeLine.objects.filter(product__slug="reine").values_list("ingredient__name", flat=True))
    margherita_before = sorted(RecipeLine.objects.filter(product__slug="margherita").values_list("ingredient__name", "quantity"))
    assert {"Jambon blanc", "Champignons", "Mozzarella"} <= reine_before
    rows = [["produit", "ingredient", "quantite"], ["reine", "Mozzarella", "110"], ["reine", "Jambon blanc", "80"],
            ["reine", "Roquette", "10"]]

    preview = upload(client, "recettes", csv_bytes(rows))
    result = preview.context["result"]
    deleted = {r.object_repr.split(" ")[-1] for r in result.rows if r.import_type == "delete"}
    kinds = sorted(r.import_type for r in result.rows)
    assert kinds.count("new") == 1 and kinds.count("delete") == len(reine_before) - 2
    assert "Champignons" in deleted
    mozzarella = next(r for r in result.rows if r.import_type == "update" and "Mozzarella" in r.object_repr)
    quantity_cell = mozzarella.diff[2]  # produit, ingredient, quantite, unite
    # shown "old → new" per cell (issue 19), not a character diff
    assert [part.strip() for part in re.sub(r"<[^>]+>", "", quantity_cell).split("→")] == ["120", "110"]
    assert "Champignons" in "".join(next(r for r in result.rows if r.import_type == "delete" and "Champignons" in r.object_repr).diff)
    assert RecipeLine.objects.filter(product__slug="reine").count() == len(reine_before)  # preview writes nothing

    import_file(client, "recettes", csv_bytes(rows))
    assert sorted(RecipeLine.objects.filter(product__slug="reine").values_list("ingredient__name", "quantity")) == [
        ("Jambon blanc", Decimal("80.000")), ("Mozzarella", Decimal("110.000")), ("Roquette", Decimal("10.000")),
    ]
    # a product absent from the file keeps its recipe
    assert sorted(RecipeLine.objects.filter(product__slug="margherita").values_list("ingredient__name", "quantity")) == margherita_before
    removed = RecipeLine.history.filter(history_type="-", product__slug="reine", ingredient__name="Champignons").get()
    assert removed.history_user == head_office
