"""A shop's legal details (issue 18, F-BOOK-2): checked SIRET and VAT number, head office's to set,
audited; the demo shops have plausible ones."""
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from pizzeria.legal import luhn_ok, missing_legal_details, vat_key
from pizzeria.models import Pizzeria
from tests.factories import HeadOfficeFactory, PizzeriaFactory, StaffFactory
from tests.support.admin_forms import admin_form_data
from tests.support.sessions import log_in

pytestmark = pytest.mark.django_db

VALID = {"legal_name": "Pizza Nord SARL", "legal_form": "SARL au capital de 8 000 €", "siret": "912 345 675 00108",
         "vat_number": "FR 65 912345675", "registered_address": "1 rue de Paris, 75001 Paris", "invoice_prefix": "nord"}


def test_valid_details_are_normalised():
    shop = PizzeriaFactory(**VALID)
    shop.full_clean()
    assert (shop.siret, shop.vat_number, shop.invoice_prefix) == ("91234567500108", "FR65912345675", "NORD")
    assert missing_legal_details(shop) == []


@pytest.mark.parametrize("field, value, message", [
    ("siret", "91234567500109", "clé de contrôle"),
    ("siret", "1234", "14 chiffres"),
    ("vat_number", "FR66912345675", "clé ne correspond pas"),
    ("vat_number", "FR65123456782", "ne correspond pas au SIREN"),
    ("invoice_prefix", "N1", "lettres majuscules"),
])
def test_wrong_details_are_refused_in_french(field, value, message):
    shop = PizzeriaFactory(**{**VALID, field: value})
    with pytest.raises(ValidationError) as refused:
        shop.full_clean()
    assert message in " ".join(refused.value.message_dict[field])


def test_the_demo_shops_have_plausible_details(demo_data):
    shops = list(Pizzeria.objects.all())
    assert len(shops) == 8
    for shop in shops:
        shop.full_clean()
        assert missing_legal_details(shop) == []
        assert luhn_ok(shop.siret) and int(shop.vat_number[2:4]) == vat_key(shop.siret[:9])
    assert Pizzeria.objects.get(slug="montmartre").invoice_prefix == "MONT"
    assert len({shop.invoice_prefix for shop in shops}) == 8


def test_head_office_sets_them_and_the_history_keeps_the_change(client):
    shop = PizzeriaFactory()
    log_in(client, HeadOfficeFactory())
    url = reverse("admin:pizzeria_pizzeria_change", args=[shop.pk])
    page = client.get(url)
    response = client.post(url, admin_form_data(page, **VALID))
    assert response.status_code == 302, response.content.decode()[:2000]
    shop.refresh_from_db()
    assert shop.siret == "91234567500108"
    assert shop.history.first().siret == "91234567500108"


def test_a_manager_reads_them_only(client):
    shop = PizzeriaFactory(**{k: v.replace(" ", "") if k != "legal_name" and k != "legal_form" and k != "registered_address" else v for k, v in VALID.items()}, )
    Pizzeria.objects.filter(pk=shop.pk).update(invoice_prefix="NORD")
    manager = StaffFactory(pizzeria=shop)
    log_in(client, manager)
    url = reverse("admin:pizzeria_pizzeria_change", args=[shop.pk])
    page = client.get(url)
    data = admin_form_data(page, delivery_radius_km="5")
    data["legal_name"] = "Pirate SAS"
    client.post(url, data)
    shop.refresh_from_db()
    assert shop.legal_name == "Pizza Nord SARL"
