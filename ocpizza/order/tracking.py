"""Reads for the customer's order pages: the timeline and what may be added when changing."""
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from order.changes import LINE_CHANGE_REASON
from order.models import Order, OrderLine, Payment
from order.money import euros
from pizzeria.selectors import line_availability
from product.line_recipe import LineChoice, line_recipe
from product.models import Product
from product.selectors import menu_for, menu_order


@dataclass(frozen=True)
class Step:
    at: datetime
    label: str
    kind: str = "status"  # status, payment, refund, problem, change
    rank: int = 0  # the order of the story, for steps shown at the same minute


# Steps the page shows at the same minute follow the order's story (issue 19: "Livrée" could come
# before "Partie en livraison", a payment before the order was placed).
RANKS = {"placed": 0, "payment": 1, "confirmed": 2, "accepted": 3, "ready": 4, "out": 5, "delivered": 6,
         "refund": 7, "cancelled": 8, "refused": 8}


def _story_order(step):
    return (step.at.replace(second=0, microsecond=0), step.rank, step.at)


def order_timeline(order):
    """What happened to the order, oldest first: status times and payment attempts."""
    o = order
    steps = [Step(o.created_at, _("Commande passée"), rank=RANKS["placed"])]
    delivered_label = _("Livrée") if o.fulfilment == Order.Fulfilment.DELIVERY else _("Remise au client")
    for at, label, kind, rank in (
        (o.confirmed_at, _("Confirmée : transmise à la pizzeria"), "status", "confirmed"),
        (o.accepted_at, _("Acceptée : en préparation"), "status", "accepted"),
        (o.ready_at, _("Prête") if o.fulfilment == Order.Fulfilment.DELIVERY else _("Prête : à venir chercher"), "status", "ready"),
        (o.out_for_delivery_at, _("Partie en livraison"), "status", "out"),
        (o.delivered_at, delivered_label, "status", "delivered"),
        (o.cancelled_at, _("Annulée"), "problem", "cancelled"),
        (o.refused_at, _("Refusée par la pizzeria"), "problem", "refused"),
    ):
        if at:
            steps.append(Step(at, label, kind, RANKS[rank]))
    for payment in o.payments.all():
        if payment.kind == Payment.Kind.REFUND:
            if payment.status == Payment.Status.SUCCEEDED:
                steps.append(Step(payment.updated_at, _("Remboursement de %(amount)s €") % {"amount": euros(payment.amount)}, "refund", RANKS["refund"]))
        elif payment.status == Payment.Status.SUCCEEDED:
            steps.append(Step(payment.updated_at, _("Paiement de %(amount)s € accepté") % {"amount": euros(payment.amount)}, "payment", RANKS["payment"]))
        elif payment.status == Payment.Status.FAILED:
            steps.append(
                Step(payment.updated_at, _("Paiement refusé : %(reason)s") % {"reason": payment.failure_message}, "problem",
                     RANKS["payment"])
            )
    return sorted(steps + _changes(o, steps), key=_story_order)


def _changes(order, steps):
    """A step for each change of the order's lines, paid or not (issue 19: an unpaid change left no
    trace), from the history rows order.changes.apply_line_change writes: the lines after it and
    the total before and after. Within its minute a change follows every step recorded before it
    but the refund it caused (the customer reads the change, then its refund)."""
    records = list(order.history.filter(history_change_reason=LINE_CHANGE_REASON).order_by("history_date", "history_id"))
    if not records:
        return []
    totals = dict(
        order.history.filter(history_date__lt=records[-1].history_date).order_by("history_date", "history_id")
        .values_list("history_date", "total")
    )
    line_rows = list(OrderLine.history.filter(order_id=order.pk).order_by("history_date", "history_id"))
    changes = []
    for record in records:
        before = [total for at, total in totals.items() if at < record.history_date]
        lines = {}
        for row in line_rows:
            if row.history_date > record.history_date:
                break
            if row.history_type == "-":
                lines.pop(row.id, None)
            else:
                lines[row.id] = row
        described = ", ".join(
            f"{row.quantity} × {row.product_name}" + (f" — {row.options_label}" if row.options_label else "")
            for _pk, row in sorted(lines.items())
        )
        if before and before[-1] != record.total:
            label = _("Commande modifiée : %(lines)s ; total %(old)s € → %(new)s €") % {
                "lines": described, "old": euros(before[-1]), "new": euros(record.total)
            }
        else:
            label = _("Commande modifiée : %(lines)s ; total inchangé (%(total)s €)") % {
                "lines": described, "total": euros(record.total)
            }
        earlier = [s.rank for s in steps if s.kind != "refund" and s.at <= record.history_date]
        changes.append(Step(record.history_date, label, "change", max(earlier, default=0)))
    return changes


@dataclass(frozen=True)
class ChangeRow:
    """A row of the change page: a line of the order (with its choices) or a product to add."""

    key: str  # product.line_recipe.LineChoice.key, the name of the quantity field
    name: str
    ordered: object  # the unit price it was ordered at, None for a product not in the order
    today: object  # today's unit price (product.line_recipe), None when the menu no longer makes it


def orderable_products(order):
    """[ChangeRow] the customer may have in a change of `order`: its current lines with their
    choices, and the pizzeria's active products it can make now in their reference size.

    Both prices are shown because a line kept or lowered keeps its price and a line raised is
    re-priced at today's (order.checkout.plan_line_change, issue 13 L3)."""
    lines = list(order.lines.all())
    products = list(Product.objects.filter(is_active=True).order_by(*menu_order()).values_list("pk", flat=True))
    choices = [LineChoice.from_key(line.options_key) for line in lines]
    choices += [LineChoice(product_id=pk) for pk in products]
    menu = menu_for({pid for choice in choices for pid in choice.product_ids()})
    recipes = {}
    for choice in choices:
        try:
            recipes[choice.key] = line_recipe(choice, menu)
        except ValidationError:
            pass  # off the menu now: can be lowered or removed, not raised
    availability = line_availability(pizzeria=order.pizzeria, recipes=recipes, menu=menu, order=order)
    rows = [
        ChangeRow(line.options_key, line.description, line.unit_price,
                  recipes[line.options_key].unit_price if line.options_key in recipes else None)
        for line in lines
    ]
    in_order = {line.options_key for line in lines}
    for pk in products:
        recipe = recipes.get(str(pk))
        if recipe is None or recipe.key in in_order or not availability[recipe.key].is_available:
            continue
        name = f"{recipe.product_name} — {recipe.options_label}" if recipe.options_label else recipe.product_name
        rows.append(ChangeRow(recipe.key, name, None, recipe.unit_price))
    return rows
