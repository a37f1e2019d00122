"""Receipts, invoices and credit notes (issue 18, F-BOOK-2): what the PDF says equals the VAT
breakdown of the order to the cent; numbers per shop and year; asking twice gives the same."""
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from ocpizza.business import BusinessError
from order.documents_pdf import credit_note_pdf, invoice_pdf, receipt_pdf
from order.invoices import issue_credit_note, issue_invoice
from order.models import Payment
from order.vat import order_vat_breakdown
from tests.books.documents_scene import mixed_basket, pdf_text
from tests.factories import PizzeriaFactory

pytestmark = pytest.mark.django_db

VAT_ROW = re.compile(r"TVA (\d+(?:,\d+)?) %\s+([\d\u00a0 ]+,\d\d) €\s+([\d\u00a0 ]+,\d\d) €\s+([\d\u00a0 ]+,\d\d) €")
TOTAL_ROW = re.compile(r"Total\s+([\d\u00a0 ]+,\d\d) €\s+([\d\u00a0 ]+,\d\d) €\s+([\d\u00a0 ]+,\d\d) €")


def amount(text):
    return Decimal(text.replace("\u00a0", "").replace(" ", "").replace(",", "."))


def vat_rows(text):
    """{rate: (HT, TVA, TTC)} and the totals, as printed."""
    rows = {amount(rate): (amount(ht), amount(tva), amount(ttc)) for rate, ht, tva, ttc in VAT_ROW.findall(text)}
    total = TOTAL_ROW.search(text)
    return rows, tuple(amount(v) for v in total.groups())


def test_the_receipt_prints_the_vat_breakdown_to_the_cent():
    scene = mixed_basket()
    text = pdf_text(receipt_pdf(scene.order))

    rows, total = vat_rows(text)
    assert rows == {Decimal("10"): (Decimal("19.09"), Decimal("1.91"), Decimal("21.00")),
                    Decimal("20"): (Decimal("3.33"), Decimal("0.67"), Decimal("4.00"))}
    assert total == (Decimal("22.42"), Decimal("2.58"), Decimal("25.00"))
    vat = order_vat_breakdown(scene.order)
    assert {a.rate.normalize(): (a.ht, a.tva, a.ttc) for a in vat.lines} == rows
    for expected in ("TICKET DE CAISSE", "Pizza Test SAS", "SIRET 912 345 675 00108", "FR65 912345675",
                     "2 × Margherita", "1 × Bière", "TOTAL TTC", "Espèces à la remise", "Encaissé : 30,00 €",
                     "Rendu : 5,00 €", scene.order.number, timezone.localtime(scene.order.created_at).strftime("%d/%m/%Y %H:%M")):
        assert expected in text, expected


def test_an_invoice_is_numbered_per_shop_and_year_and_asked_twice_is_the_same():
    first = mixed_basket()
    second = mixed_basket(shop=first.shop)
    year = timezone.localdate().year

    invoice = issue_invoice(order=first.order, by=first.customer, business_name="Atelier Dupont SARL",
                            vat_number="fr 40 123456824")
    again = issue_invoice(order=first.order, by=first.customer)
    other = issue_invoice(order=second.order)

    assert again.pk == invoice.pk
    assert (invoice.number, other.number) == (f"TEST-{year}-000001", f"TEST-{year}-000002")
    assert (invoice.total_ht, invoice.total_vat, invoice.total_ttc) == (Decimal("22.42"), Decimal("2.58"), Decimal("25.00"))
    text = pdf_text(invoice_pdf(invoice))
    rows, total = vat_rows(text)
    assert rows[Decimal("20")] == (Decimal("3.33"), Decimal("0.67"), Decimal("4.00"))
    assert total == (Decimal("22.42"), Decimal("2.58"), Decimal("25.00"))
    for expected in (f"FACTURE N° TEST-{year}-000001", "Atelier Dupont SARL", "FR40123456824", "Jeanne Client",
                     "Net à payer : 25,00 €", "Facture acquittée", "19,09 €", "SIRET 912 345 675 00108"):
        assert expected in text, expected
    # A later change of the shop's details does not move an invoice already issued.
    first.shop.legal_name = "Autre SAS"
    first.shop.save()
    assert "Pizza Test SAS" in pdf_text(invoice_pdf(type(invoice).objects.get(pk=invoice.pk)))


def test_no_invoice_for_an_unpaid_order_nor_for_a_shop_without_legal_details():
    unpaid = mixed_basket(deliver=False)
    with pytest.raises(BusinessError) as refused:
        issue_invoice(order=unpaid.order)
    assert "pas encore payée" in refused.value.message
    bare = mixed_basket(shop=PizzeriaFactory())
    with pytest.raises(BusinessError) as refused:
        issue_invoice(order=bare.order)
    assert "mentions légales" in refused.value.message and "SIRET" in refused.value.message


def test_a_refund_gets_a_credit_note_with_its_vat_in_its_own_series():
    scene = mixed_basket()
    invoice = issue_invoice(order=scene.order)
    # A refund recorded as the refund services record one (a card refund in the other tests).
    refund = Payment.objects.create(order=scene.order, kind=Payment.Kind.REFUND, provider=Payment.Provider.CASH,
                                    status=Payment.Status.SUCCEEDED, amount=Decimal("5.00"))

    note = issue_credit_note(refund=refund)

    assert issue_credit_note(refund=refund).pk == note.pk
    assert note.number == f"TEST-AV-{timezone.localdate().year}-000001" and note.invoice_id == invoice.pk
    # 5,00 € shared like the order (21 / 25 and 4 / 25): 4,20 € at 10 %, 0,80 € at 20 %.
    rows, total = vat_rows(pdf_text(credit_note_pdf(note)))
    assert rows == {Decimal("10"): (Decimal("3.82"), Decimal("0.38"), Decimal("4.20")),
                    Decimal("20"): (Decimal("0.67"), Decimal("0.13"), Decimal("0.80"))}
    assert total == (Decimal("4.49"), Decimal("0.51"), Decimal("5.00"))
    assert f"Rectifie la facture n° {invoice.number}" in pdf_text(credit_note_pdf(note))
