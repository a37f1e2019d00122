"""The customer's receipt for a card payment or a refund, e-mailed after the commit."""
import logging

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from order.models import Payment
from order.money import euros

logger = logging.getLogger(__name__)


def send_payment_receipt(payment_pk):
    """E-mail the customer a receipt for a payment or a refund; a mail failure is only logged."""
    payment = Payment.objects.select_related("order", "order__pizzeria").filter(pk=payment_pk).first()
    if payment is None or payment.status != Payment.Status.SUCCEEDED:
        return
    order = payment.order
    recipient = order.customer_email or (order.customer.email if order.customer_id else "")
    if not recipient:
        return
    context = {"payment": payment, "order": order, "is_refund": payment.kind == Payment.Kind.REFUND}
    if payment.kind == Payment.Kind.REFUND:
        subject = _("Remboursement de %(amount)s € — commande %(number)s") % {"amount": euros(payment.amount), "number": order.number}
    else:
        subject = _("Reçu de paiement de %(amount)s € — commande %(number)s") % {"amount": euros(payment.amount), "number": order.number}
    try:
        send_mail(subject, render_to_string("order/emails/receipt.txt", context), None, [recipient])
    except Exception:  # noqa: BLE001 — a mail server down must not undo a payment
        logger.exception("Receipt e-mail for payment %s not sent", payment_pk)
