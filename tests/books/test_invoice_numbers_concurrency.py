"""Invoice numbers stay gapless under 40 simultaneous requests (issue 18, F-BOOK-2), on
MariaDB/MySQL with real threads, each with its own connection: the counter row's lock does the work."""
import pytest
from django.utils import timezone

from order.invoices import issue_invoice
from order.models import DocumentCounter, Invoice
from tests.books.documents_scene import mixed_basket
from tests.support.threads import run_together

pytestmark = [pytest.mark.mysql, pytest.mark.django_db(transaction=True)]


def test_forty_simultaneous_invoice_requests_number_without_gap_or_repeat():
    first = mixed_basket()
    orders = [first.order] + [mixed_basket(shop=first.shop, customer=first.customer).order for _ in range(29)]
    # 40 requests: the 30 orders, 10 of them asked twice at the same instant.
    asked = orders + orders[:10]

    results = run_together(40, lambda i: issue_invoice(order=asked[i], by=first.customer).number)

    assert not [r for r in results if isinstance(r, Exception)], results
    year = timezone.localdate().year
    assert sorted(Invoice.objects.values_list("sequence", flat=True)) == list(range(1, 31))
    assert sorted(set(results)) == [f"TEST-{year}-{n:06d}" for n in range(1, 31)]
    for index in range(10):  # asked twice: the same invoice both times
        assert results[index] == results[30 + index]
    assert DocumentCounter.objects.get(pizzeria=first.shop, series="invoice", year=year).last_number == 30
