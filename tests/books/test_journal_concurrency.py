"""Issue 18 (F-BOOK-3): concurrent appends to one shop's journal never fork the chain, on
MariaDB/MySQL with real threads (the chain head's row lock serializes them); two shops do not
wait for each other."""
import time
from decimal import Decimal

import pytest
from django.db import transaction

from books.journal import append_entry
from books.models import JournalEntry
from books.vat import breakdown
from books.verification import verify_books
from tests.factories.shops import PizzeriaFactory
from tests.support.threads import run_together

pytestmark = [pytest.mark.mysql, pytest.mark.django_db(transaction=True)]


def test_concurrent_appends_make_one_chain_per_shop():
    bastille, boulogne = PizzeriaFactory(slug="bastille"), PizzeriaFactory(slug="boulogne")

    def sell(index):
        shop = bastille if index % 4 else boulogne
        written = []
        for n in range(5):
            with transaction.atomic():
                entry = append_entry(shop_id=shop.pk, kind="sale", order_number=f"OC-T{index:03d}-{n:04d}",
                                     source=f"sale:T{index}-{n}:1", payment_method="on_delivery",
                                     vat=breakdown([(10, Decimal("10.00") + n)]))
                time.sleep(0.01)  # hold the head's lock a while: the others must queue behind it
                written.append(entry.sequence)
        return written

    results = run_together(8, sell)
    assert not [r for r in results if isinstance(r, Exception)], results
    for shop, expected in ((bastille, 30), (boulogne, 10)):
        sequences = list(JournalEntry.objects.filter(shop=shop).order_by("sequence").values_list("sequence", flat=True))
        assert sequences == list(range(1, expected + 1))
        entries = list(JournalEntry.objects.filter(shop=shop).order_by("sequence"))
        assert all(b.previous_hash == a.hash for a, b in zip(entries, entries[1:]))
    assert all(report.ok for report in verify_books())
