"""The customer's orders: "Mes commandes", an order's page and its live status, change and cancel
(F-ORD-7, F-ORD-8, F-OM-7).

Views stay thin: rules live in order.checkout, order.payments and order.services. The helpers
own_order() and the pending-change session entry are shared with the payment pages
(home.views.payment).
"""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from ocpizza.business import message_of, messages_of
from order import freshness, payments
from order.checkout import ChangeNotAllowed, LineChange, cancel_by_customer, change_order, check_changeable
from order.invoices import is_settled, is_sold, refunds_of
from order.models import CreditNote, Invoice, Order
from order.tracking import order_timeline, orderable_products
from order.workflow import TransitionNotAllowed

CHANGE_KEY = "ocpizza_pending_change"


def documents_of(order):
    """What the order page offers to download (issue 18): the receipt once paid or collected,
    the invoice (or the request form), a credit note per refund."""
    notes = {note.refund_id: note for note in CreditNote.objects.filter(order=order)}
    return {
        "has_receipt": is_settled(order),
        "invoice": Invoice.objects.filter(order=order).first(),
        "may_invoice": is_sold(order),
        "refunds": [(refund, notes.get(refund.pk)) for refund in refunds_of(order)],
    }


def own_order(request, number):
    """The customer's own order; another customer's number answers 404, as an unknown one."""
    return get_object_or_404(Order.objects.select_related("pizzeria"), number=number, customer=request.user)


def pending_change(request, order):
    encoded = request.session.get(CHANGE_KEY, {}).get(str(order.pk))
    if not encoded:
        return None
    try:
        return LineChange.decode(encoded)
    except ValueError:
        return None


def drop_pending_change(request, order):
    pending = request.session.get(CHANGE_KEY, {})
    if pending.pop(str(order.pk), None) is not None:
        request.session[CHANGE_KEY] = pending


# --- Mes commandes -----------------------------------------------------------------------


@login_required
def my_orders(request):
    orders = Order.objects.filter(customer=request.user).select_related("pizzeria").order_by("-created_at")
    return render(request, "order/my_orders.html", {"orders": orders})


def _status_context(request, order):
    try:
        check_changeable(order, request.user)
        changeable = True
    except ChangeNotAllowed:
        changeable = False
    return {
        "order": order,
        "timeline": order_timeline(order),
        "changeable": changeable,
        "live": order.status not in (Order.Status.DELIVERED, Order.Status.CANCELLED, Order.Status.REFUSED),
        "awaiting_payment": order.payment_method == Order.PaymentMethod.CARD_ONLINE
        and order.status == Order.Status.AWAITING_CONFIRMATION
        and not payments.is_fully_paid(order),
    }


@login_required
def order_detail(request, number):
    order = own_order(request, number)
    return render(request, "order/detail.html", {**_status_context(request, order), **documents_of(order)})


@require_safe  # a poll reads: a 304 is an answer to a GET (HEAD), never to a POST
def order_status(request, number):
    """The live part of the order page, fetched every few seconds by the page itself: the
    database only (the webhook keeps the attempts up to date), and not even that while nothing
    changed: the page sends the ETag of its last answer and gets a 304 from the cache alone, no
    query, before the rest of the middleware (home.poll_middleware). What that check does not
    answer comes here, through the login check and the order's owner, as every page."""
    if not freshness.may_be_order_number(number):
        raise Http404  # no cache entry for what cannot be an order number
    return never_stored(_order_status_page(request, number))


def never_stored(response):
    """Every answer of the status poll, its early 304 included (home.poll_middleware): the
    customer's own order, never kept by a browser or a shared cache."""
    response["Cache-Control"] = "no-store"
    return response


@login_required
def _order_status_page(request, number):
    token = freshness.status_token(number)  # before the order is read: see order.freshness
    response = freshness.not_modified(request, freshness.etag(request, "status", number, token))
    if response is None:
        order = own_order(request, number)
        response = render(request, "order/_status.html", _status_context(request, order))
        response["ETag"] = freshness.etag(request, "status", number, token)
    return response


@login_required
def change(request, number):
    order = own_order(request, number)
    try:
        check_changeable(order, request.user)
    except ChangeNotAllowed as exc:
        messages.error(request, message_of(exc))
        return redirect("order:detail", number=order.number)
    rows = orderable_products(order)
    quantities = {line.options_key: line.quantity for line in order.lines.all()}
    errors = []
    if request.method == "POST" and request.POST.get("abandon"):
        drop_pending_change(request, order)
        messages.info(request, _("Modification abandonnée : votre commande reste telle quelle."))
        return redirect("order:detail", number=order.number)
    if request.method == "POST":
        # Only the quantities come from the browser; prices are the server's (order.checkout).
        posted = {row.key: request.POST.get(f"qty-{row.key}", "0") for row in rows}
        try:
            outcome = change_order(order=order, quantities=posted, by=request.user)
        except ChangeNotAllowed as exc:
            messages.error(request, message_of(exc))
            return redirect("order:detail", number=order.number)
        except (payments.PaymentError, ValidationError) as exc:
            errors = messages_of(exc)
        else:
            if outcome.applied:
                if outcome.refunded:
                    messages.success(
                        request,
                        _("Commande modifiée : %(amount)s € vous sont remboursés sur votre carte.") % {"amount": payments.euros(outcome.refunded)},
                    )
                else:
                    messages.success(request, _("Commande modifiée."))
                drop_pending_change(request, order)
                return redirect("order:detail", number=order.number)
            pending = request.session.get(CHANGE_KEY, {})
            pending[str(order.pk)] = outcome.change.encode()
            request.session[CHANGE_KEY] = pending
            messages.info(
                request,
                _("Cette modification coûte %(amount)s € de plus : payez le supplément par carte pour la valider.")
                % {"amount": payments.euros(outcome.extra_due)},
            )
            return redirect("order:pay", number=order.number)
        quantities = dict(posted)
    rows = [(row, quantities.get(row.key, 0)) for row in rows]
    return render(request, "order/change.html", {"order": order, "rows": rows, "errors": errors})


@login_required
@require_POST
def cancel(request, number):
    order = own_order(request, number)
    try:
        with transaction.atomic():
            refunds = cancel_by_customer(order=order, by=request.user, reason=request.POST.get("reason", "")[:255])
    except ChangeNotAllowed as exc:
        messages.error(request, message_of(exc))
    except (TransitionNotAllowed, payments.PaymentError) as exc:
        messages.error(request, message_of(exc))
    else:
        refunded = sum(r.amount for r in refunds)
        if refunded:
            messages.success(
                request,
                _("Commande %(number)s annulée : %(amount)s € vous sont remboursés sur votre carte.")
                % {"number": order.number, "amount": payments.euros(refunded)},
            )
        else:
            messages.success(request, _("Commande %(number)s annulée.") % {"number": order.number})
        drop_pending_change(request, order)
    return redirect("order:detail", number=order.number)
