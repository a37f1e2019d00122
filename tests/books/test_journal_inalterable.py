"""Issue 18 acceptance (F-BOOK-3): the database refuses any UPDATE or DELETE of a journal entry or
a closing; someone who gets around it (drops the trigger, as an attacker with full access to the
database would) is caught by `verify_journal`, which names the shop, the entry and what differs."""
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from books.closings import close_books
from books.immutability import create_triggers, drop_triggers
from books.journal import append_entry
from books.models import Closing, JournalEntry, JournalHead
from books.vat import breakdown
from tests.factories.shops import PizzeriaFactory

D = Decimal


def sale(shop, number, ttc, **kwargs):
    with transaction.atomic():
        return append_entry(shop_id=shop.pk, kind="sale", order_number=number, source=f"sale:{number}:1",
                            payment_method="on_delivery", vat=breakdown([(10, D(ttc))]), **kwargs)


@pytest.fixture
def shop(db):
    return PizzeriaFactory(name="OC Pizza Bastille", slug="bastille")


@pytest.mark.django_db
def test_the_database_refuses_to_change_or_delete_an_entry(shop):
    entry = sale(shop, "OC-AAAA-0001", "12.00")
    for statement in (
        f"UPDATE books_journalentry SET amount_ttc = 1 WHERE id = {entry.pk}",
        f"DELETE FROM books_journalentry WHERE id = {entry.pk}",
        f"DELETE FROM books_journalhead WHERE shop_id = {shop.pk}",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    with pytest.raises(DatabaseError), transaction.atomic():
        JournalEntry.objects.filter(pk=entry.pk).update(order_number="OC-XXXX-XXXX")
    with pytest.raises(DatabaseError), transaction.atomic():
        JournalEntry.objects.filter(pk=entry.pk).delete()
    assert JournalEntry.objects.get(pk=entry.pk).amount_ttc == D("12.00")


@pytest.mark.django_db
def test_closings_cannot_be_changed_either(shop):
    import datetime

    from django.utils import timezone

    yesterday = timezone.now() - datetime.timedelta(days=1)
    sale(shop, "OC-AAAA-0001", "12.00", at=yesterday)
    closings = close_books(shop_id=shop.pk)
    # Yesterday's Z; on the first day of a month (Paris) also the month's closing, and on 1 January
    # the year's (a test that expected the Z alone failed every first of the month).
    day = timezone.localdate(yesterday)
    last_of_month = (day + datetime.timedelta(days=1)).day == 1
    expected = [Closing.Kind.DAY]
    expected += [Closing.Kind.MONTH] * last_of_month + [Closing.Kind.YEAR] * (last_of_month and day.month == 12)
    assert [closing.kind for closing in closings] == expected
    for closing in closings:
        with pytest.raises(DatabaseError), transaction.atomic():
            Closing.objects.filter(pk=closing.pk).update(total_ttc=0)
        with pytest.raises(DatabaseError), transaction.atomic():
            Closing.objects.filter(pk=closing.pk).delete()


def _tamper(statement):
    """As an attacker with full access to the database: drop the triggers, write, put them back."""
    with connection.schema_editor() as editor:
        drop_triggers(editor)
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement)
    finally:
        with connection.schema_editor() as editor:
            create_triggers(editor)


def _verify():
    try:
        call_command("verify_journal")
    except CommandError as error:
        return str(error)
    return None


@pytest.mark.django_db(transaction=True)
def test_an_edited_entry_is_named_by_verify_journal(shop, capsys):
    first = sale(shop, "OC-AAAA-0001", "12.00")
    second = sale(shop, "OC-AAAA-0002", "30.00")
    sale(shop, "OC-AAAA-0003", "8.50")
    assert _verify() is None
    assert "Journal intègre" in capsys.readouterr().out
    _tamper(f"UPDATE books_journalentry SET amount_ttc = 3.00, amount_ht = 2.73, amount_tva = 0.27 WHERE id = {second.pk}")
    assert "Journal altéré" in _verify()
    err = capsys.readouterr().err
    assert "OC Pizza Bastille, écriture n° 2" in err and "modifiée" in err and "3.00 € TTC" in err
    assert first.pk and "n° 1 " not in err


@pytest.mark.django_db(transaction=True)
def test_a_deleted_entry_is_named_by_verify_journal(shop, capsys):
    sale(shop, "OC-AAAA-0001", "12.00")
    second = sale(shop, "OC-AAAA-0002", "30.00")
    last = sale(shop, "OC-AAAA-0003", "8.50")
    _tamper(f"DELETE FROM books_journalentry WHERE id = {second.pk}")
    assert _verify() is not None
    assert "OC Pizza Bastille, écriture n° 2 : manquante (la suivante est la n° 3)" in capsys.readouterr().err
    # Removing the last entry too (and the head left as it was) is also seen.
    _tamper(f"DELETE FROM books_journalentry WHERE id = {last.pk}")
    _verify()
    assert "écriture n° 2 : manquante" in capsys.readouterr().err


@pytest.mark.django_db(transaction=True)
def test_a_removed_tail_and_a_rewritten_chain_are_seen(shop, capsys):
    sale(shop, "OC-AAAA-0001", "12.00")
    last = sale(shop, "OC-AAAA-0002", "30.00")
    _tamper(f"DELETE FROM books_journalentry WHERE id = {last.pk}")
    _verify()
    assert "écriture n° 2 : manquante : la chaîne s'arrête à la n° 1, la tête indique la n° 2" in capsys.readouterr().err
    assert JournalHead.objects.get(shop=shop).entry_sequence == 2


@pytest.mark.django_db
def test_the_admin_page_shows_the_same_to_head_office_only(shop, client_for):
    from tests.factories.people import HeadOfficeFactory, StaffFactory

    sale(shop, "OC-AAAA-0001", "12.00")
    page = client_for(HeadOfficeFactory()).get("/admin/books/journalentry/verification/")
    assert page.status_code == 200 and "Journal et clôtures intègres" in page.content.decode()
    manager = StaffFactory(pizzeria=shop, role="manager")
    assert client_for(manager).get("/admin/books/journalentry/verification/").status_code == 403
    assert client_for(manager).get("/admin/books/journalentry/").status_code == 403


