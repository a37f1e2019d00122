"""E-mails to the customer when an order changes status (F-OM-7).

Sent by a background job (order.tasks.send_status_email) enqueued in the transition's
transaction: a rolled-back transition sends nothing, a mail server that is down or slow
neither delays nor undoes a transition (the job retries with backoff), and each transition's
e-mail is sent once.
"""
import uuid
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from django.utils.formats import date_format
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from jobs.services import enqueue
from order.models import Order

_muted = ContextVar("order_notifications_muted", default=False)


@contextmanager
def muted():
    """No customer e-mails inside this block (demo data, imports of past orders)."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)

_STATUS_SENTENCES = {
    "to_prepare": "Votre commande %(number)s est confirmée : la pizzeria %(pizzeria)s va la préparer.",
    "in_preparation": "Votre commande %(number)s est en préparation chez %(pizzeria)s.",
    "ready": "Votre commande %(number)s est prête.",
    "out_for_delivery": "Votre commande %(number)s est partie en livraison.",
    "delivered": "Votre commande %(number)s a été livrée. Bon appétit !",
    "cancelled": "Votre commande %(number)s a été annulée.",
    "refused": "Votre commande %(number)s n'a pas pu être acceptée par %(pizzeria)s.",
}


def recipient(order):
    if order.customer_email:
        return order.customer_email
    if order.customer_id:
        return order.customer.email
    return ""


def status_changed(order):
    """Queue the status e-mail, sent once the current transaction commits."""
    if _muted.get():
        return
    # One job per transition: an order may come back to a status (a change sends it back to
    # confirmation), and each time is news for the customer.
    enqueue(
        "order.tasks.send_status_email",
        key=f"order-status:{order.pk}:{order.status}:{uuid.uuid4().hex}",
        arguments={"order_id": order.pk, "status": order.status},
    )


def _euros(amount):
    """"23,00", as receipts print it (issue 19: status e-mails said "23.00 €")."""
    return number_format(amount, 2, force_grouping=True)


def _body(order, status):
    lines = [_(_STATUS_SENTENCES[status]) % {"number": order.number, "pizzeria": order.pizzeria.name}]
    if order.promised_at and status in ("to_prepare", "in_preparation"):
        promised = date_format(timezone.localtime(order.promised_at), "l j F, H:i")
        if order.fulfilment == "delivery":
            lines.append(_("Livraison prévue : %(when)s.") % {"when": promised})
        else:
            lines.append(_("Prête à emporter : %(when)s.") % {"when": promised})
    if status == "ready" and order.fulfilment == "pickup":
        lines.append(_("Vous pouvez venir la chercher : %(address)s.") % {"address": order.pizzeria.address_line})
    if status == "refused" and order.refusal_reason:
        lines.append(_("Motif : %(reason)s") % {"reason": order.refusal_reason})
    if status == "cancelled" and order.cancellation_reason:
        lines.append(_("Motif : %(reason)s") % {"reason": order.cancellation_reason})
    if status in ("refused", "cancelled") and order.payment_status in ("paid", "partly_refunded", "refunded"):
        lines.append(_("Le paiement en ligne vous sera remboursé."))
    lines.append("")
    for line in order.lines.all():
        lines.append(f"{line.quantity} × {line.description} — {_euros(line.line_total)} €")
        if line.allergens:
            lines.append("  " + _("Allergènes : %(allergens)s") % {"allergens": line.allergens})
    lines.append(_("Total : %(total)s €") % {"total": _euros(order.total)})
    lines.append("")
    if order.customer_id:
        # Where to follow it (issue 19: only the confirmation page led to "Mes commandes").
        lines.append(_("Suivre vos commandes : %(url)s") % {"url": settings.SITE_URL + reverse("order:my_orders")})
        lines.append("")
    lines.append(_("L'équipe OC Pizza"))
    return "\n".join(lines)


def send_status_email(order_id, status):
    """Send one status e-mail (the job's work). A mail failure raises: the job retries it."""
    order = Order.objects.select_related("pizzeria", "customer").filter(pk=order_id).first()
    to = recipient(order) if order else ""
    if not to or status not in _STATUS_SENTENCES:
        return False
    subject = _("Commande %(number)s : %(status)s") % {
        "number": order.number,
        "status": Order.Status(status).label,
    }
    send_mail(subject, _body(order, status), settings.DEFAULT_FROM_EMAIL, [to])
    return True
