"""Issue 18 acceptance (F-BOOK-3): a Z closing equals the sum of its day's entries; months and
years sum their days; the grand total is perpetual; closing again changes nothing; the nightly
job and `close_books` do it; closings chain and verify like the entries."""
import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from books.closings import close_books
from books.journal import append_entry
from books.models import Closing, JournalEntry
from books.vat import breakdown
from books.verification import verify_books
from tests.factories.shops import PizzeriaFactory

pytestmark = pytest.mark.django_db

D = Decimal
PARIS = timezone.get_default_timezone()


def at(day, hour=12):
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=PARIS)


def write(shop, day, kind, ttc, rate=10, method="on_delivery", hour=12, n=[0]):
    n[0] += 1
    with transaction.atomic():
        return append_entry(shop_id=shop.pk, kind=kind, order_number=f"OC-TEST-{n[0]:04d}", source=f"t:{n[0]}",
                            payment_method=method, vat=breakdown([(rate, D(ttc))]), at=at(day, hour))


@pytest.fixture
def shop():
    return PizzeriaFactory(slug="bastille")


def test_a_z_is_the_sum_of_its_days_entries_and_closing_is_idempotent(shop):
    day1, day2 = datetime.date(2026, 1, 30), datetime.date(2026, 1, 31)
    write(shop, day1, "sale", "13.00")
    write(shop, day1, "sale", "4.50", rate=20)
    write(shop, day1, "collection", "17.50", method="cash")
    write(shop, day1, "sale", "3.50", hour=23)  # 23 h Paris is still the same service day
    write(shop, day2, "sale", "20.00")
    write(shop, day2, "cancellation", "-3.50")
    write(shop, day2, "payment", "20.00", method="card_online")
    written = close_books(shop_id=shop.pk, until=datetime.date(2026, 2, 1), now=at(datetime.date(2026, 2, 2), 5))
    kinds = [(c.kind, c.period_start) for c in written]
    assert kinds == [("day", day1), ("day", day2), ("month", datetime.date(2026, 1, 1)), ("day", datetime.date(2026, 2, 1))]
    z1 = Closing.objects.get(shop=shop, kind="day", period_start=day1)
    entries = JournalEntry.objects.filter(shop=shop, service_day=day1)
    revenue = [e for e in entries if e.kind in ("sale", "change", "cancellation")]
    assert z1.total_ttc == sum(e.amount_ttc for e in revenue) == D("21.00")
    assert z1.total_ht == sum(e.amount_ht for e in revenue) and z1.total_tva == sum(e.amount_tva for e in revenue)
    # 13.00 -> 11.82 + 1.18 and 3.50 -> 3.18 + 0.32 at 10 %; 4.50 -> 3.75 + 0.75 at 20 %.
    assert z1.sales == {"10.00": {"ht": "15.00", "tva": "1.50", "ttc": "16.50"}, "20.00": {"ht": "3.75", "tva": "0.75", "ttc": "4.50"}}
    assert z1.payments == {"cash": "17.50"} and z1.counts == {"collection": 1, "sale": 3} and z1.entries_count == 4
    assert (z1.first_entry, z1.last_entry) == (1, 4)
    z2 = Closing.objects.get(shop=shop, kind="day", period_start=day2)
    assert z2.total_ttc == D("16.50") and z2.grand_total == D("37.50")  # perpetual: 21.00 + 16.50
    month = Closing.objects.get(shop=shop, kind="month")
    assert month.total_ttc == D("37.50") and month.grand_total == D("37.50") and month.payments == {"card_online": "20.00", "cash": "17.50"}
    empty = Closing.objects.get(shop=shop, kind="day", period_start=datetime.date(2026, 2, 1))
    assert empty.entries_count == 0 and empty.total_ttc == 0 and empty.grand_total == D("37.50")
    # Again: nothing new, nothing changed.
    assert close_books(shop_id=shop.pk, until=datetime.date(2026, 2, 1), now=at(datetime.date(2026, 2, 2), 6)) == []
    assert Closing.objects.filter(shop=shop).count() == 4
    assert [c.sequence for c in Closing.objects.filter(shop=shop).order_by("sequence")] == [1, 2, 3, 4]
    assert all(report.ok for report in verify_books())


def test_a_year_sums_its_months_and_today_is_never_closed(shop):
    write(shop, datetime.date(2025, 11, 30), "sale", "10.00")
    write(shop, datetime.date(2025, 12, 31), "sale", "20.00", rate=20)
    close_books(shop_id=shop.pk, until=datetime.date(2026, 1, 1), now=at(datetime.date(2026, 1, 2)))
    year = Closing.objects.get(shop=shop, kind="year")
    assert (year.period_start, year.period_end) == (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))
    assert year.total_ttc == D("30.00") and year.sales["20.00"]["ttc"] == "20.00" and year.counts == {"sale": 2}
    assert Closing.objects.filter(shop=shop, kind="month").count() == 2
    today = timezone.localdate()
    write(shop, today, "sale", "5.00", hour=0)
    close_books(shop_id=shop.pk, until=today + datetime.timedelta(days=3))
    assert not Closing.objects.filter(shop=shop, period_start=today).exists()


def test_the_command_and_the_nightly_job_close_the_books(shop, django_capture_on_commit_callbacks):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    write(shop, yesterday, "sale", "12.00")
    from io import StringIO

    out = StringIO()
    call_command("close_books", stdout=out)
    assert "1 clôture(s) écrite(s)" in out.getvalue() or "clôture(s) écrite(s)" in out.getvalue()
    z = Closing.objects.get(shop=shop, kind="day", period_start=yesterday)
    assert z.total_ttc == D("12.00")
    other = PizzeriaFactory(slug="boulogne")
    write(other, yesterday, "sale", "7.00")
    from books.tasks import close_all_books

    with django_capture_on_commit_callbacks(execute=True):
        assert close_all_books() == 2
    assert Closing.objects.get(shop=other, kind="day", period_start=yesterday).total_ttc == D("7.00")
    assert Closing.objects.filter(shop=shop, kind="day", period_start=yesterday).count() == 1
