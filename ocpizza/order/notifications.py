"""E-mails to the customer when an order changes status (F-OM-7).

Sent after the commit only: a rolled-back transition sends nothing, and a mail server that
fails cannot undo a transition that already happened; the failure is logged instead.
"""
import logging
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils.translation import gettext as _

from order.models import Order

logger = logging.getLogger("ocpizza.order")
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
    """Queue the status e-mail for after the current transaction commits."""
    if _muted.get():
        return
    order_id, status = order.pk, order.status
    transaction.on_commit(lambda: send_status_email(order_id, status))


def _body(order, status):
    lines = [_(_STATUS_SENTENCES[status]) % {"number": order.number, "pizzeria": order.pizzeria.name}]
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
        lines.append(f"{line.quantity} × {line.description} — {line.line_total} €")
        if line.allergens:
            lines.append("  " + _("Allergènes : %(allergens)s") % {"allergens": line.allergens})
    lines.append(_("Total : %(total)s €") % {"total": order.total})
    lines.append("")
    lines.append(_("L'équipe OC Pizza"))
    return "\n".join(lines)


def send_status_email(order_id, status):
    """Send one status e-mail; never raises (the transition is already committed)."""
    try:
        order = Order.objects.select_related("pizzeria", "customer").get(pk=order_id)
        to = recipient(order)
        if not to or status not in _STATUS_SENTENCES:
            return False
        subject = _("Commande %(number)s : %(status)s") % {
            "number": order.number,
            "status": Order.Status(status).label,
        }
        send_mail(subject, _body(order, status), settings.DEFAULT_FROM_EMAIL, [to])
        return True
    except Exception:
        logger.exception("Status e-mail for order %s (%s) could not be sent", order_id, status)
        return False
