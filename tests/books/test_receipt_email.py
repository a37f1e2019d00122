"""The receipt e-mail of a card payment carries the till receipt as a PDF (issue 18, F-BOOK-2)."""
import pytest
from django.core import mail

from order import payments
from tests.books.documents_scene import pdf_text
from tests.support.payments_conftest import localstripe_card
from tests.support.payments_helpers import card_order

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_payment_receipt_email_has_the_pdf_receipt(stripe_local, shops, demo_users, django_capture_on_commit_callbacks):
    order = card_order(shops, demo_users["customer"])
    with django_capture_on_commit_callbacks(execute=True):
        payments.start_card_payment(order=order, payment_method_id=localstripe_card(stripe_local, "4242424242424242"))
    receipts = [m for m in mail.outbox if "Reçu de paiement" in m.subject]
    assert len(receipts) == 1
    (name, content, mimetype), = receipts[0].attachments
    assert (name, mimetype) == (f"ticket-{order.number}.pdf", "application/pdf")
    text = pdf_text(content)
    assert "TVA 10 %" in text and "Carte bancaire en ligne" in text and "OC Pizza SAS" in text
