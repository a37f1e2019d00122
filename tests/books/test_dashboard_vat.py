"""Issue 18 (F-BOOK-1/3): the dashboard's revenue HT and VAT per rate, per shop and for the group,
are the sales journal's to the cent (orders placed, changed, cancelled through the services)."""
import csv
import io
from decimal import Decimal

import pytest
from django.utils import timezone

from books.models import JournalEntry
from order.services import cancel_order, place_order
from tests.factories import ProductFactory
from tests.support.chain_fixtures import people  # noqa: F401 (fixtures: the factory-built chain)

pytestmark = pytest.mark.django_db

D = Decimal


def test_dashboard_vat_matches_the_journal(chain, people, client_for):
    menu, shops = chain.menu, chain.shops
    beer = ProductFactory(name="Bière", category="drink", price=D("4.20"), vat_category="alcohol")
    customer = people["customer"]

    def order(shop, lines):
        return place_order(pizzeria=shop, customer=customer, lines=lines, fulfilment="pickup",
                           payment_method="on_delivery", by=customer)

    order(shops["bastille"], [(menu.margherita, 2), (beer, 3), (menu.cola, 1)])
    order(shops["bastille"], [(menu.reine, 1)])
    cancelled = order(shops["bastille"], [(menu.marinara, 1)])
    cancel_order(cancelled, by=people["manager"], reason="Erreur")
    order(shops["boulogne"], [(menu.marinara, 3), (beer, 1)])

    today = timezone.localdate().isoformat()
    period = {"period": "custom", "start": today, "end": today}
    client = client_for(people["head_office"])
    response = client.get("/admin/tableau-de-bord/export/tva-par-taux.csv", period)
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["pizzeria", "taux (%)", "CA HT (€)", "TVA (€)", "CA TTC (€)"]
    table = {(r[0], r[1]): [D(c.replace(",", ".")) for c in r[2:]] for r in rows[1:]}

    def journal(shop=None, rate=None):
        entries = JournalEntry.objects.filter(kind__in=("sale", "change", "cancellation"))
        if shop is not None:
            entries = entries.filter(shop=shop)
        totals = [D("0.00")] * 3
        for entry in entries:
            for key, amounts in entry.vat.items():
                if rate is None or D(key) == D(rate):
                    totals = [totals[0] + D(amounts["ht"]), totals[1] + D(amounts["tva"]), totals[2] + D(amounts["ttc"])]
        return totals

    # Bastille: 2 × 10.50 + 3.50 = 24.50 at 10 % (+ 11.90, the Reine) and 12.60 at 20 %; the marinara cancelled.
    assert table[("OC Pizza Bastille", "10,00")] == journal(shops["bastille"], "10") == [D("33.09"), D("3.31"), D("36.40")]
    assert table[("OC Pizza Bastille", "20,00")] == journal(shops["bastille"], "20") == [D("10.50"), D("2.10"), D("12.60")]
    assert table[("OC Pizza Boulogne", "total")] == journal(shops["boulogne"])
    assert table[("Groupe", "total")] == journal() and journal()[2] == D("36.40") + D("12.60") + D("27.00") + D("4.20")
    page = client.get("/admin/", period).content.decode()
    assert "TVA collectée (journal)" in page and "TVA collectée par taux" in page
    ht, tva, _ttc = journal()
    assert f"{tva:.2f} €".replace(".", ",") in page and f"{ht:.2f} €".replace(".", ",") in page
