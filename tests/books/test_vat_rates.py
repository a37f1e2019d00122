"""Issue 18 (F-BOOK-1): VAT rates are dated data, checked by the database and the service, typed
by head office in the admin or imported and exported by spreadsheet with French errors."""
import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from books.models import VatRate
from books.selectors import rates_on
from tests.factories.people import HeadOfficeFactory, StaffFactory
from tests.factories.shops import PizzeriaFactory
from tests.support.import_helpers import csv_bytes, import_file, page_errors, text_of, upload

pytestmark = pytest.mark.django_db

D = Decimal
DAY = datetime.date


def test_the_french_reference_rates_are_there():
    assert rates_on(DAY(2026, 11, 30)) == {"immediate": D("10.00"), "deferred": D("5.50"), "alcohol": D("20.00")}
    with pytest.raises(ValidationError, match="Aucun taux de TVA en vigueur le 31/12/2013"):
        rates_on(DAY(2013, 12, 31))


def test_the_rates_put_back_after_a_flush_have_one_history_row_each():
    """After a flush (the suite's transactional tests), post_migrate seeds the rates through
    books.models, whose saves record history by themselves: one row each all the same."""
    from books.apps import _reference_rates

    VatRate.objects.all().delete()
    VatRate.history.all().delete()
    _reference_rates(sender=None)
    assert sorted(rate.history.count() for rate in VatRate.objects.all()) == [1, 1, 1]
    assert VatRate.history.filter(history_change_reason="Taux de référence (books.reference)").count() == 3


@pytest.mark.parametrize("values", [
    {"rate": D("100.01")}, {"rate": D("-1")}, {"valid_until": DAY(2014, 1, 1)}, {"category": "caviar"},
])
def test_the_database_refuses_impossible_rates(values):
    row = {"category": "alcohol", "rate": D("20"), "valid_from": DAY(2014, 1, 1), **values}
    VatRate.objects.filter(category="alcohol").delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        VatRate.objects.create(**row)


def test_overlapping_periods_are_refused_in_french():
    rate = VatRate(category="immediate", rate=D("12"), valid_from=DAY(2026, 1, 1))
    with pytest.raises(ValidationError) as refused:
        rate.full_clean()
    assert "chevauche le taux de 10,00 % en vigueur du 01/01/2014 au nouvel ordre" in str(refused.value)
    # Closing the old period first lets the new one in; a gap between periods is allowed.
    old = VatRate.objects.get(category="immediate")
    old.valid_until = DAY(2026, 1, 1)
    old.full_clean()
    old.save()
    rate.full_clean()
    rate.save()
    assert rates_on(DAY(2025, 12, 31))["immediate"] == D("10.00") and rates_on(DAY(2026, 1, 1))["immediate"] == D("12.00")
    earlier = VatRate(category="immediate", rate=D("7"), valid_from=DAY(2012, 1, 1), valid_until=DAY(2014, 1, 2))
    with pytest.raises(ValidationError, match="chevauche"):
        earlier.full_clean()
    assert old.history.count() == 2  # audited


def test_head_office_adds_a_period_in_the_admin_and_a_manager_cannot(client_for):
    head_office = HeadOfficeFactory()
    manager = StaffFactory(pizzeria=PizzeriaFactory(), role="manager")
    data = {"category": "alcohol", "rate": "21,5", "valid_from": "01/01/2030", "valid_until": "", "note": "LF 2030"}
    refused = client_for(manager).post("/admin/books/vatrate/add/", data)
    assert refused.status_code == 403 and not VatRate.objects.filter(rate=D("21.5")).exists()
    assert client_for(manager).get("/admin/books/vatrate/").status_code == 200  # managers read
    page = client_for(head_office).post("/admin/books/vatrate/add/", data)
    assert page.status_code == 200 and "chevauche" in text_of(page)  # the 20 % is open-ended
    old = VatRate.objects.get(category="alcohol")
    client_for(head_office).post(f"/admin/books/vatrate/{old.pk}/change/", {
        "category": "alcohol", "rate": "20,00", "valid_from": "01/01/2014", "valid_until": "01/01/2030", "note": old.note})
    old.refresh_from_db()
    assert old.valid_until == DAY(2030, 1, 1)
    done = client_for(head_office).post("/admin/books/vatrate/add/", data)
    assert done.status_code == 302
    assert rates_on(DAY(2030, 1, 1))["alcohol"] == D("21.50")


def test_the_spreadsheet_round_trip(client_for):
    client = client_for(HeadOfficeFactory())
    exported = client.post("/admin/books/vatrate/export/", {"format": "0", "resource": "0"})
    assert exported.status_code == 200
    text = exported.content.decode("utf-8-sig")
    assert text.splitlines()[0] == "categorie;taux;du;au;reference"
    assert "Boissons alcoolisées;20;01/01/2014;;" in text and "Alimentation à consommer plus tard;5,5;01/01/2014" in text
    rows = [
        ["categorie", "taux", "du", "au", "reference"],
        ["Boissons alcoolisées", "20", "01/01/2014", "01/07/2030", "CGI art. 278 (boissons alcoolisées)"],
        ["alcohol", "21,5", "2030-07-01", "", "Loi de finances 2030"],
    ]
    import_file(client, "taux_tva", csv_bytes(rows))
    assert rates_on(DAY(2030, 6, 30))["alcohol"] == D("20.00") and rates_on(DAY(2030, 7, 1))["alcohol"] == D("21.50")


def test_a_bad_file_is_refused_line_by_line_in_french_and_changes_nothing(client_for):
    client = client_for(HeadOfficeFactory())
    before = list(VatRate.objects.values_list("category", "rate", "valid_from", "valid_until"))
    rows = [
        ["categorie", "taux", "du", "au", "reference"],
        ["Restauration (consommation immédiate)", "12", "01/01/2031", "", ""],  # overlaps the open 10 %
        ["Boissons alcoolisées", "120", "01/01/2031", "", ""],
        ["Caviar", "5", "01/01/2031", "", ""],
        ["alcohol", "20", "31/02/2031", "", ""],
        ["deferred", "5,5", "01/01/2032", "01/01/2031", ""],
    ]
    errors = page_errors(upload(client, "taux_tva", csv_bytes(rows)))
    assert "chevauche" in " ".join(errors[2])
    assert "trop grand" in " ".join(errors[3]) or "entre 0 et 100" in " ".join(errors[3])
    assert "inconnu" in " ".join(errors[4])
    assert "n'est pas une date" in " ".join(errors[5])
    assert "postérieure au début" in " ".join(errors[6])
    assert list(VatRate.objects.values_list("category", "rate", "valid_from", "valid_until")) == before


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_template_reimports_as_no_change(client_for, fmt):
    client = client_for(HeadOfficeFactory())
    content = (settings.REPO_DIR / "fixtures" / "templates" / f"taux_tva.{fmt}").read_bytes()
    before = VatRate.history.count()
    import_file(client, "taux_tva", content, fmt=fmt)
    assert VatRate.history.count() == before
