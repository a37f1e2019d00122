"""A customer downloads the receipt and asks for then downloads the invoice of a delivered order,
in Chromium (issue 18, F-BOOK-2); the PDFs' text shows the VAT lines of the order."""
from pathlib import Path

import pytest

from order.models import Invoice, Order
from order.services import accept_order, deliver_order, finish_order, place_order, take_order
from order.vat import order_vat_breakdown
from product.models import Product
from tests.books.documents_scene import pdf_text
from tests.browser.helpers import site_login

pytestmark = pytest.mark.django_db(transaction=True)


def eur(value):
    return f"{value:.2f}".replace(".", ",") + " €"


def download(page, link_text):
    with page.expect_download() as info:
        page.get_by_text(link_text).click()
    return Path(info.value.path()).read_bytes()


def test_customer_downloads_receipt_and_invoice(page, live_server, shops, demo_users):
    customer, pizzaiolo, driver = demo_users["customer"], demo_users["pizzaiolo"], demo_users["driver"]
    order = place_order(
        pizzeria=shops["bastille"], customer=customer, by=customer, fulfilment=Order.Fulfilment.DELIVERY,
        payment_method=Order.PaymentMethod.ON_DELIVERY, address=customer.addresses.get(is_default=True),
        lines=[(Product.objects.get(slug="margherita"), 2), (Product.objects.get(slug="reine"), 1)],
    )
    order = take_order(finish_order(accept_order(order, by=pizzaiolo), by=pizzaiolo), by=driver)
    order = deliver_order(order, by=driver, collected=order.total, method=Order.CollectionMethod.CARD)
    vat = order_vat_breakdown(order)

    site_login(page, live_server)
    page.goto(f"{live_server.url}/mes-commandes/{order.number}/")
    receipt = pdf_text(download(page, "Télécharger le ticket de caisse (PDF)"))
    page.get_by_role("button", name="Demander une facture").click()
    page.wait_for_load_state()
    invoice = Invoice.objects.get(order=order)
    page.get_by_text(f"Votre facture n° {invoice.number} est prête.").wait_for()
    invoice_text = pdf_text(download(page, f"Télécharger la facture n° {invoice.number} (PDF)"))

    for text in (receipt, invoice_text):
        for amount in vat.lines:
            rate = format(amount.rate.normalize(), "f").replace(".", ",")
            assert f"TVA {rate} % {eur(amount.ht)} {eur(amount.tva)} {eur(amount.ttc)}" in " ".join(text.split()), text
        assert eur(order.total) in text
    assert "Carte bancaire à la remise" in receipt
    assert f"FACTURE N° {invoice.number}" in invoice_text
