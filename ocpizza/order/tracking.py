"""Reads for the customer's order pages: the timeline and what may be added when changing."""
from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _

from order.models import Order, Payment
from order.money import euros
from pizzeria.selectors import product_availability
from product.models import Product


@dataclass(frozen=True)
class Step:
    at: datetime
    label: str
    kind: str = "status"  # status, payment, refund, problem


def order_timeline(order):
    """What happened to the order, oldest first: status times and payment attempts."""
    o = order
    steps = [Step(o.created_at, _("Commande passée"))]
    delivered_label = _("Livrée") if o.fulfilment == Order.Fulfilment.DELIVERY else _("Remise au client")
    for at, label, kind in (
        (o.confirmed_at, _("Confirmée : transmise à la pizzeria"), "status"),
        (o.accepted_at, _("Acceptée : en préparation"), "status"),
        (o.ready_at, _("Prête") if o.fulfilment == Order.Fulfilment.DELIVERY else _("Prête : à venir chercher"), "status"),
        (o.out_for_delivery_at, _("Partie en livraison"), "status"),
        (o.delivered_at, delivered_label, "status"),
        (o.cancelled_at, _("Annulée"), "problem"),
        (o.refused_at, _("Refusée par la pizzeria"), "problem"),
    ):
        if at:
            steps.append(Step(at, label, kind))
    for payment in o.payments.all():
        if payment.kind == Payment.Kind.REFUND:
            if payment.status == Payment.Status.SUCCEEDED:
                steps.append(Step(payment.updated_at, _("Remboursement de %(amount)s €") % {"amount": euros(payment.amount)}, "refund"))
        elif payment.status == Payment.Status.SUCCEEDED:
            steps.append(Step(payment.updated_at, _("Paiement de %(amount)s € accepté") % {"amount": euros(payment.amount)}, "payment"))
        elif payment.status == Payment.Status.FAILED:
            steps.append(
                Step(payment.updated_at, _("Paiement refusé : %(reason)s") % {"reason": payment.failure_message}, "problem")
            )
    return sorted(steps, key=lambda step: step.at)


def orderable_products(order):
    """[(product, price ordered, today's price)] the customer may have in a change of `order`:
    its current lines and the pizzeria's active products it can make now (price ordered None).

    Both prices are shown because a line kept or lowered keeps its price and a line raised is
    re-priced at today's (order.checkout.plan_line_change, issue 13 L3)."""
    lines = {line.product_id: line for line in order.lines.select_related("product")}
    products = list(Product.objects.filter(is_active=True).order_by("category", "name"))
    availability = product_availability(pizzeria=order.pizzeria, product_ids=[p.pk for p in products], order=order)
    rows = [(line.product, line.unit_price, line.product.selling_price) for line in lines.values()]
    rows += [
        (product, None, product.selling_price)
        for product in products
        if product.pk not in lines and availability[product.pk].is_available
    ]
    return rows
