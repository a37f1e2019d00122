"""The customer's receipt for a card payment or a refund, e-mailed by a background job after the
commit, with the till receipt (PDF, order.documents_pdf) attached (issue 18)."""
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from jobs.services import enqueue
from order.documents_pdf import receipt_pdf
from order.invoices import is_settled
from order.models import Payment
from order.money import euros


def queue_payment_receipt(payment):
    """The receipt of `payment` (a charge or a refund that succeeded), sent once by
    order.tasks.send_payment_receipt after the current transaction commits."""
    enqueue("order.tasks.send_payment_receipt", key=f"receipt:{payment.pk}", arguments={"payment_id": payment.pk})


def send_payment_receipt(payment_pk):
    """E-mail the customer a receipt for a payment or a refund (the job's work). A mail failure
    raises: the job retries it."""
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
    message = EmailMessage(subject, render_to_string("order/emails/receipt.txt", context), None, [recipient])
    if is_settled(order):
        message.attach(f"ticket-{order.number}.pdf", receipt_pdf(order), "application/pdf")
    message.send()
