"""The admin home page: who sees which shop's figures, the filters, the exports (F-ADM-1..4)."""
import csv
import io
from datetime import timedelta

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from demo.sample import generate_orders
from product.models import Product
from tests.support.dashboard_data import build_known_orders
from tests.factories import PizzeriaFactory, ProductFactory
from tests.support.chain_fixtures import people  # noqa: F401 (fixtures: the factory-built chain)

PERIOD = {"period": "custom", "start": "2025-03-10", "end": "2025-03-12"}


@pytest.fixture
def shops(chain):
    """The factory-built chain's shops (conftest `chain`) and a fourth one nobody here manages."""
    return {**chain.shops, "vincennes": PizzeriaFactory(name="OC Pizza Vincennes", slug="vincennes")}


@pytest.fixture
def known(shops):
    """The hand-worked orders of tests/dashboard_data.py; the menu gets enough products for them."""
    ProductFactory.create_batch(6)
    build_known_orders(shops)
    return shops


def page(client, **params):
    response = client.get("/admin/", {**PERIOD, **params})
    assert response.status_code == 200
    return response.content.decode()


def test_head_office_sees_the_group_and_every_shop(known, people, client_for):
    html = page(client_for(people["head_office"]))
    assert "108,40 €" in html  # group revenue
    assert "21,68 €" in html  # average basket
    for name in ("OC Pizza Bastille", "OC Pizza Montmartre", "OC Pizza Boulogne", "Total du groupe"):
        assert name in html
    assert "livrées ou payées" in html  # the revenue rule is stated on the page


def test_manager_sees_only_their_shops(known, people, client_for):
    html = page(client_for(people["manager"]))  # Bastille and Montmartre
    assert "83,40 €" in html  # 50.40 + 33.00
    assert "108,40" not in html and "25,00" not in html
    assert "OC Pizza Boulogne" not in html and "OC Pizza Vincennes" not in html


def test_manager_of_boulogne_sees_boulogne_only(known, people, client_for):
    html = page(client_for(people["manager_boulogne"]))
    assert "25,00 €" in html
    assert "OC Pizza Bastille" not in html and "50,40" not in html


def test_manager_cannot_pick_another_shop(known, people, client_for):
    html = page(client_for(people["manager"]), pizzeria="boulogne")
    assert "ne fait pas partie des vôtres" in html
    assert "OC Pizza Boulogne" not in html and "25,00" not in html


def test_shop_filter(known, people, client_for):
    html = page(client_for(people["head_office"]), pizzeria="montmartre")
    figures = html.split('id="dashboard-filters"')[1].split("</form>", 1)[1]  # past the shop picker
    assert "33,00 €" in figures and "OC Pizza Bastille" not in figures


@pytest.mark.parametrize("role", ["pizzaiolo", "driver"])
def test_kitchen_and_drivers_get_their_queues_and_no_figures(known, people, client_for, role):
    client = client_for(people[role])
    html = page(client)
    assert "Vos files de commandes" in html
    assert "OC Pizza Bastille" in html and "status__exact=" in html
    assert "Chiffre d'affaires" not in html and "50,40" not in html
    assert client.get("/admin/tableau-de-bord/export/ventes-par-pizzeria.csv", PERIOD).status_code == 404


@pytest.mark.parametrize(
    "params, message",
    [
        ({"start": "2025-03-12", "end": "2025-03-10"}, "La date de début doit précéder la date de fin."),
        ({"start": "2025-02-30", "end": "2025-03-10"}, "Saisissez une date valide."),
        ({"start": "", "end": ""}, "indiquez la date de début et la date de fin"),
        ({"start": "2020-01-01", "end": "2025-03-10"}, "ne peut pas dépasser 400 jours"),
        ({"period": "yesterday"}, "Sélectionnez un choix valide"),
    ],
)
def test_bad_filters_give_a_clear_message(known, people, client_for, params, message):
    html = page(client_for(people["head_office"]), **params)
    assert message in html
    assert "7 derniers jours" in html  # the default period is shown instead


def test_periods(known, people, client_for):
    client = client_for(people["head_office"])
    for value, label in [("today", "Aujourd&#x27;hui"), ("7d", "7 derniers jours"), ("30d", "30 derniers jours"), ("month", "Ce mois-ci")]:
        assert label in page(client, period=value)


def test_csv_export_has_the_page_figures(known, people, client_for):
    response = client_for(people["manager"]).get("/admin/tableau-de-bord/export/ventes-par-pizzeria.csv", PERIOD)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="ocpizza-ventes-par-pizzeria-20250310-20250312.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["pizzeria", "CA TTC (€)", "commandes", "panier moyen (€)"]
    # Decimal commas, which a French Excel reads as numbers (issue 19).
    assert rows[1][:4] == ["OC Pizza Bastille", "50,40", "3", "16,80"]
    assert rows[3][:3] == ["Total du groupe", "83,40", "4"]
    assert "Boulogne" not in response.content.decode("utf-8-sig")


def test_xlsx_export_of_days(known, people, client_for):
    response = client_for(people["head_office"]).get("/admin/tableau-de-bord/export/ventes-par-jour.xlsx", PERIOD)
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[1][:3] == ["10/03/2025", 37.9, 2]
    assert values[2][:3] == ["11/03/2025", 37.5, 2]


def test_every_table_exports(known, people, client_for):
    client = client_for(people["head_office"])
    for slug in ["ventes-par-heure", "ventes-par-canal", "ventes-par-mode", "ventes-par-paiement", "produits",
                 "commandes-en-cours", "stock", "pizzas-realisables", "mouvements"]:
        for fmt in ("csv", "xlsx"):
            assert client.get(f"/admin/tableau-de-bord/export/{slug}.{fmt}", PERIOD).status_code == 200, (slug, fmt)
    assert client.get("/admin/tableau-de-bord/export/inconnu.csv").status_code == 404
    assert client.get("/admin/tableau-de-bord/export/stock.pdf").status_code == 404


def test_export_with_bad_filters_goes_back_to_the_page(known, people, client_for):
    response = client_for(people["head_office"]).get(
        "/admin/tableau-de-bord/export/stock.csv", {"period": "custom", "start": "x", "end": ""}
    )
    assert response.status_code == 302 and response["Location"].startswith("/admin/?")


def test_fixed_number_of_queries_whatever_the_number_of_orders(known, people, client_for, django_assert_num_queries):
    client = client_for(people["head_office"])
    page(client)  # warm the session and the user's caches
    with CaptureQueriesContext(connection) as few:
        page(client)
    generate_orders(
        pizzerias=list(known.values()), products=list(Product.objects.filter(is_active=True)), count=300,
        first_day=known["bastille"].created_at.date() - timedelta(days=400), last_day=known["bastille"].created_at.date(),
        seed=1, prefix="T",
    )
    from datetime import date
    generate_orders(
        pizzerias=list(known.values()), products=list(Product.objects.filter(is_active=True)), count=300,
        first_day=date(2025, 3, 10), last_day=date(2025, 3, 12), seed=2, prefix="U",
    )
    with django_assert_num_queries(len(few.captured_queries)):
        html = page(client)
    assert "108,40 €" not in html  # the new orders are counted


def test_a_total_that_disagrees_with_its_lines_is_reported(known, people, client_for):
    from decimal import Decimal

    from order import daily_figures
    from order.models import Order

    Order.objects.filter(pizzeria=known["montmartre"], status="delivered").update(total=Decimal("30.00"))
    daily_figures.rebuild()  # a write behind the services' back, then the figures rebuilt from the rows
    html = page(client_for(people["head_office"]))
    assert "diffère de celle des totaux" in html and "108,40 €" in html and "105,40 €" in html


def test_the_selector_shows_the_period_the_page_shows(known, people, client_for):
    """Issue 19: opened without ?period=, the page shows 7 days and so does the selector."""
    html = client_for(people["head_office"]).get("/admin/").content.decode()
    select = html[html.index('name="period"'):]
    select = select[: select.index("</select>")]
    first = select[select.index("<option"):].split("</option>")[0]
    assert "7 derniers jours" in first
    assert "selected" not in select or 'value="7d" selected' in select


def test_custom_dates_are_typed_the_french_way(known, people, client_for):
    html = client_for(people["head_office"]).get(
        "/admin/", {"period": "custom", "start": "10/03/2025", "end": "12/03/2025"}
    ).content.decode()
    assert "du 10/03/2025 au 12/03/2025" in html
    assert 'type="date"' not in html
    assert 'value="10/03/2025"' in html and "jj/mm/aaaa" in html
