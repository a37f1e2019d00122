"""Where the receipt, the invoice and the credit notes are downloaded (issue 18, F-BOOK-2): the
order's owner from "Mes commandes" (404 for anyone else), staff who see the order from the admin;
the manager of the shop or head office issue them."""
from decimal import Decimal

import pytest
from django.urls import reverse

from order.models import CreditNote, Invoice, Payment
from tests.books.documents_scene import mixed_basket, pdf_text
from tests.factories import HeadOfficeFactory, StaffFactory, UserFactory
from tests.factories.scenes import crew
from tests.support.sessions import log_in

pytestmark = pytest.mark.django_db


def test_the_owner_downloads_the_receipt_and_asks_for_the_invoice(client):
    scene = mixed_basket()
    log_in(client, scene.customer)
    page = client.get(reverse("order:detail", args=[scene.order.number])).content.decode()
    assert "Télécharger le ticket de caisse (PDF)" in page and "Demander une facture" in page

    receipt = client.get(reverse("order:receipt", args=[scene.order.number]))
    assert receipt["Content-Type"] == "application/pdf" and "TICKET DE CAISSE" in pdf_text(receipt.content)
    assert client.get(reverse("order:invoice", args=[scene.order.number])).status_code == 404  # not asked yet

    page = client.post(reverse("order:invoice", args=[scene.order.number]), {"business_name": "", "vat_number": ""}, follow=True)
    invoice = Invoice.objects.get(order=scene.order)
    assert f"Votre facture n° {invoice.number} est prête." in page.content.decode()
    client.post(reverse("order:invoice", args=[scene.order.number]))
    assert Invoice.objects.filter(order=scene.order).count() == 1
    download = client.get(reverse("order:invoice", args=[scene.order.number]))
    assert f"FACTURE N° {invoice.number}" in pdf_text(download.content)


def test_another_customer_gets_404_everywhere(client):
    scene = mixed_basket()
    refund = Payment.objects.create(order=scene.order, kind=Payment.Kind.REFUND, provider=Payment.Provider.CASH,
                                    status=Payment.Status.SUCCEEDED, amount=Decimal("1.00"))
    log_in(client, UserFactory())
    number = scene.order.number
    assert client.get(reverse("order:receipt", args=[number])).status_code == 404
    assert client.get(reverse("order:invoice", args=[number])).status_code == 404
    assert client.post(reverse("order:invoice", args=[number])).status_code == 404
    assert client.post(reverse("order:credit_note", args=[number, refund.pk])).status_code == 404
    assert not Invoice.objects.exists() and not CreditNote.objects.exists()


def test_the_owner_gets_the_credit_note_of_a_refund(client):
    scene = mixed_basket()
    refund = Payment.objects.create(order=scene.order, kind=Payment.Kind.REFUND, provider=Payment.Provider.CASH,
                                    status=Payment.Status.SUCCEEDED, amount=Decimal("5.00"))
    log_in(client, scene.customer)
    url = reverse("order:credit_note", args=[scene.order.number, refund.pk])
    assert url in client.get(reverse("order:detail", args=[scene.order.number])).content.decode()
    response = client.post(url, follow=True)
    assert "AVOIR N°" in pdf_text(response.content)


@pytest.mark.parametrize("role, sees, issues", [
    ("manager", True, True), ("pizzaiolo", True, False), ("driver", True, False),
    ("other_manager", False, False), ("head_office", True, True), ("customer", False, False),
])
def test_the_admin_page_by_role(client, role, sees, issues):
    scene = mixed_basket()
    users = {**scene.people, "other_manager": StaffFactory(), "head_office": HeadOfficeFactory(), "customer": scene.customer}
    log_in(client, users[role])
    url = reverse("admin:order_order_detail_documents", args=[scene.order.pk])

    page = client.get(url)
    receipt = client.get(url + "?download=receipt")
    client.post(url, {"issue": "invoice", "business_name": "Dupont SARL", "vat_number": "FR40123456824"})

    if sees:
        assert page.status_code == 200 and "Ticket de caisse (PDF)" in page.content.decode()
        assert "TICKET DE CAISSE" in pdf_text(receipt.content)
    else:
        assert page.status_code in (302, 403, 404) and receipt.status_code in (302, 403, 404)
    invoice = Invoice.objects.filter(order=scene.order).first()
    assert (invoice is not None) == issues
    if issues:
        assert invoice.buyer_business == "Dupont SARL"
        assert "Dupont SARL" in pdf_text(client.get(url + "?download=invoice").content)
