"""Public pages of orders: checkout, card payment, confirmation, "Mes commandes", change and
cancel, and the Stripe webhook (F-ORD-4, F-ORD-5, F-ORD-7, F-ORD-8, F-OM-7).

Views stay thin: rules live in order.checkout, order.payments and order.services.
"""
import logging
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from order import payments
from order.checkout import (
    ChangeNotAllowed,
    DuplicateCheckout,
    LineChange,
    cancel_by_customer,
    change_order,
    check_changeable,
    place_web_order,
)
from order.forms import CheckoutForm
from order.models import Order, Payment, new_order_number
from order.tracking import order_timeline, orderable_products
from order.workflow import TransitionNotAllowed

logger = logging.getLogger(__name__)

CHECKOUT_NUMBER_KEY = "ocpizza_checkout_number"
CHANGE_KEY = "ocpizza_pending_change"
# "Vérifier à nouveau" asks Stripe about an order's open attempts at most this often.
RECHECK_INTERVAL = 10
MICRO_DEGREE = Decimal("0.000001")  # the coordinates' precision in the database


def _messages_of(error):
    return [str(m) for m in getattr(error, "messages", [str(error)])]


def _own_order(request, number):
    """The customer's own order; another customer's number answers 404, as an unknown one."""
    return get_object_or_404(Order.objects.select_related("pizzeria"), number=number, customer=request.user)


def _after_checkout_url(order):
    if order.payment_method == Order.PaymentMethod.CARD_ONLINE and not payments.is_fully_paid(order):
        return reverse("order:pay", args=[order.number])
    return reverse("order:confirmation", args=[order.number])


# --- checkout ----------------------------------------------------------------------------


@login_required
def checkout(request):
    from home.cart import Cart
    from home.delivery import check_delivery_address

    if request.method == "POST":
        # A resent or double-clicked form finds the order it already created.
        posted = request.POST.get("number", "")
        if posted and posted != request.session.get(CHECKOUT_NUMBER_KEY):
            existing = Order.objects.filter(number=posted, customer=request.user).first()
            if existing is not None:
                return redirect(_after_checkout_url(existing))

    cart = Cart(request)
    pizzeria = cart.pizzeria
    if pizzeria is None or cart.is_empty():
        messages.info(request, _("Votre panier est vide : choisissez d'abord vos pizzas."))
        return redirect("home:index")
    number = request.session.get(CHECKOUT_NUMBER_KEY)
    if not number:
        number = request.session[CHECKOUT_NUMBER_KEY] = new_order_number()

    form = CheckoutForm(request.POST or None, user=request.user, initial={"number": number})
    if request.method == "POST" and request.POST.get("number") != number:
        messages.error(request, _("Ce formulaire n'était plus valable : vérifiez votre commande et validez à nouveau."))
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            cart.validate()
        except ValidationError as exc:
            for message in _messages_of(exc):
                form.add_error(None, message)
        address = None
        if not form.errors and data["fulfilment"] == Order.Fulfilment.DELIVERY:
            line, postcode, city = form.address_fields()
            try:
                latitude, longitude = check_delivery_address(pizzeria=pizzeria, line=line, postcode=postcode, city=city)
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for field, errors in exc.message_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, exc.messages)
            else:
                address = {
                    "line": line, "postcode": postcode.replace(" ", ""), "city": city,
                    "latitude": Decimal(latitude).quantize(MICRO_DEGREE),
                    "longitude": Decimal(longitude).quantize(MICRO_DEGREE),
                    "instructions": data["instructions"],
                }
        if not form.errors:
            try:
                order = place_web_order(
                    number=number,
                    customer=request.user,
                    pizzeria=pizzeria,
                    lines=cart.lines(),
                    fulfilment=data["fulfilment"],
                    payment_method=data["payment_method"],
                    address=address,
                    note=data["note"],
                    contact={"phone": data["phone"]} if data["phone"] else None,
                )
            except DuplicateCheckout as duplicate:
                return redirect(_after_checkout_url(duplicate.order))
            except ValidationError as exc:
                for message in _messages_of(exc):
                    form.add_error(None, message)
            else:
                if address and data.get("save_address"):
                    form.store_address(address)
                cart.clear()
                request.session.pop(CHECKOUT_NUMBER_KEY, None)
                return redirect(_after_checkout_url(order))

    return render(
        request,
        "order/checkout.html",
        {"form": form, "pizzeria": pizzeria, "lines": [(p, q, p.selling_price * q) for p, q in cart.lines()], "total": cart.total()},
    )


# --- card payment ------------------------------------------------------------------------


def _pending_change(request, order):
    encoded = request.session.get(CHANGE_KEY, {}).get(str(order.pk))
    if not encoded:
        return None
    try:
        return LineChange.decode(encoded)
    except ValueError:
        return None


def _drop_pending_change(request, order):
    pending = request.session.get(CHANGE_KEY, {})
    if pending.pop(str(order.pk), None) is not None:
        request.session[CHANGE_KEY] = pending


@login_required
def pay(request, number):
    order = _own_order(request, number)
    change = _pending_change(request, order)
    if order.payment_method != Order.PaymentMethod.CARD_ONLINE:
        return redirect("order:detail", number=order.number)
    if order.status in (Order.Status.CANCELLED, Order.Status.REFUSED):
        messages.error(request, _("Cette commande est annulée : elle ne peut plus être payée."))
        return redirect("order:detail", number=order.number)
    if change is None and payments.is_fully_paid(order):
        return redirect("order:confirmation", number=order.number)
    amount = change.new_total - payments.net_received(order) if change else payments.amount_due(order)
    # A page view reads the database only: the script asks for its SetupIntent by POST
    # (new_setup_intent) once the page is shown.
    error = ""
    config = {
        "publishableKey": settings.STRIPE_PUBLISHABLE_KEY,
        "setupSecret": "",
        "payUrl": reverse("order:pay_card", args=[order.number]),
        "checkUrl": reverse("order:pay_check", args=[order.number]),
        "setupUrl": reverse("order:new_setup_intent", args=[order.number]),
        "refusedUrl": reverse("order:pay_refused", args=[order.number]),
        "messages": {
            "card_declined": payments.decline_message("card_declined"),
            "authentication": payments.decline_message("payment_intent_authentication_failure"),
            "generic": payments.decline_message(""),
            "incomplete": _("Saisissez le numéro, la date d'expiration et le cryptogramme de votre carte."),
            "network": _("La connexion a été interrompue. Vérifiez votre commande avant de réessayer."),
            "unavailable": _("Le paiement en ligne est momentanément indisponible. Réessayez dans un instant."),
        },
    }
    failed = order.payments.filter(kind=Payment.Kind.CHARGE, status=Payment.Status.FAILED).first()
    return render(
        request,
        "order/pay.html",
        {
            "order": order,
            "amount": amount,
            "change": change,
            "config": config,
            "error": error,
            "last_failure": failed.failure_message if failed and not change else "",
            "stripe_js_url": settings.STRIPE_JS_URL,
        },
    )


def _payment_json(request, order, result_status, payment=None, message="", client_secret=""):
    body = {"status": result_status, "message": message}
    if result_status == Payment.Status.SUCCEEDED:
        if payment is not None and _pending_change(request, order) is not None:
            _drop_pending_change(request, order)
            messages.success(request, _("Supplément payé : votre commande est modifiée."))
            body["redirect"] = reverse("order:detail", args=[order.number])
        else:
            body["redirect"] = reverse("order:confirmation", args=[order.number])
    elif result_status == Payment.Status.REQUIRES_ACTION:
        body["client_secret"] = client_secret
        body["payment"] = payment.pk if payment else None
    elif result_status == Payment.Status.PENDING:
        body["redirect"] = reverse("order:confirmation", args=[order.number])
    elif result_status in (Payment.Status.FAILED, Payment.Status.CANCELED, "error"):
        body["status"] = "failed"
        body["message"] = message or payments.decline_message("")
    return JsonResponse(body)


@login_required
@require_POST
def pay_card(request, number):
    order = _own_order(request, number)
    change = _pending_change(request, order)
    try:
        if change is not None:
            check_changeable(order, request.user)
        result = payments.start_card_payment(
            order=order, payment_method_id=request.POST.get("payment_method", ""), change=change, by=request.user
        )
    except (payments.PaymentError, ChangeNotAllowed) as exc:
        if isinstance(exc, ChangeNotAllowed):
            _drop_pending_change(request, order)
        return _payment_json(request, order, "error", message=exc.message)
    return _payment_json(
        request, order, result.status, payment=result.payment, message=result.message, client_secret=result.client_secret
    )


@login_required
@require_POST
def pay_check(request, number):
    """After confirmCardPayment: re-read the intent (the webhook may come later)."""
    order = _own_order(request, number)
    payment_pk = request.POST.get("payment", "")
    payment = order.payments.filter(pk=int(payment_pk) if payment_pk.isdigit() else 0, kind=Payment.Kind.CHARGE).first()
    if payment is None:
        return _payment_json(request, order, "error", message=_("Paiement introuvable. Rechargez la page."))
    payment = payments.sync_payment(payment)
    return _payment_json(request, order, payment.status, payment=payment, message=payment.failure_message)


@login_required
@require_POST
def pay_refused(request, number):
    """Stripe.js refused the card before the server was asked to charge it: keep a trace."""
    order = _own_order(request, number)
    code = request.POST.get("code", "")
    try:
        payments.record_card_refused(order=order, code=code, by=request.user)
    except payments.PaymentError as exc:
        return JsonResponse({"message": exc.message}, status=409)
    return JsonResponse({"message": payments.decline_message(code)})


@login_required
@require_POST
def new_setup_intent(request, number):
    """A fresh SetupIntent for the next try after a declined card."""
    order = _own_order(request, number)
    try:
        return JsonResponse({"client_secret": payments.create_setup_intent(order=order)})
    except payments.PaymentError as exc:
        return JsonResponse({"client_secret": "", "message": exc.message}, status=503)


@login_required
def confirmation(request, number):
    # Database only: the webhook and pay_check keep the attempts up to date; "Vérifier à nouveau"
    # (recheck) asks Stripe explicitly.
    order = _own_order(request, number)
    return render(request, "order/confirmation.html", {"order": order, "paid": payments.is_fully_paid(order)})


@login_required
@require_POST
def recheck(request, number):
    """"Vérifier à nouveau": re-read the order's open card attempts from Stripe, at most once
    every RECHECK_INTERVAL seconds per order (page views never call Stripe)."""
    order = _own_order(request, number)
    if order.payment_method == Order.PaymentMethod.CARD_ONLINE:
        if cache.add(f"ocpizza:recheck:{order.pk}", 1, timeout=RECHECK_INTERVAL):
            payments.sync_open_payments(order)
            messages.info(request, _("Paiement vérifié auprès de la banque."))
        else:
            messages.info(
                request,
                _("Vérification déjà faite il y a un instant : réessayez dans %(seconds)s secondes.")
                % {"seconds": RECHECK_INTERVAL},
            )
    target = request.POST.get("next")
    if target == "confirmation":
        return redirect("order:confirmation", number=order.number)
    return redirect("order:detail", number=order.number)


@csrf_exempt
@require_POST
def stripe_webhook(request):
    try:
        event, replayed = payments.handle_webhook(payload=request.body, signature=request.META.get("HTTP_STRIPE_SIGNATURE"))
    except payments.InvalidWebhook:
        return HttpResponseBadRequest("invalid event")
    except payments.WebhookMisconfigured:
        return HttpResponse("webhook not configured", status=503, content_type="text/plain")
    except payments.WebhookRetry:
        return HttpResponse("payment provider unreachable, send again", status=503, content_type="text/plain")
    return JsonResponse({"received": event.event_id, "replayed": replayed})


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
    order = _own_order(request, number)
    return render(request, "order/detail.html", _status_context(request, order))


@login_required
def order_status(request, number):
    """The live part of the order page, fetched every few seconds by the page itself: the
    database only (the webhook keeps the attempts up to date)."""
    order = _own_order(request, number)
    response = render(request, "order/_status.html", _status_context(request, order))
    response["Cache-Control"] = "no-store"
    return response


@login_required
def change(request, number):
    order = _own_order(request, number)
    try:
        check_changeable(order, request.user)
    except ChangeNotAllowed as exc:
        messages.error(request, exc.message)
        return redirect("order:detail", number=order.number)
    products = orderable_products(order)
    quantities = {line.product_id: line.quantity for line in order.lines.all()}
    errors = []
    if request.method == "POST" and request.POST.get("abandon"):
        _drop_pending_change(request, order)
        messages.info(request, _("Modification abandonnée : votre commande reste telle quelle."))
        return redirect("order:detail", number=order.number)
    if request.method == "POST":
        # Only the quantities come from the browser; prices are the server's (order.checkout).
        posted = {product.pk: request.POST.get(f"qty-{product.pk}", "0") for product, _ordered, _today in products}
        try:
            outcome = change_order(order=order, quantities=posted, by=request.user)
        except ChangeNotAllowed as exc:
            messages.error(request, exc.message)
            return redirect("order:detail", number=order.number)
        except payments.PaymentError as exc:
            errors = [exc.message]
        except ValidationError as exc:
            errors = _messages_of(exc)
        else:
            if outcome.applied:
                if outcome.refunded:
                    messages.success(
                        request,
                        _("Commande modifiée : %(amount)s € vous sont remboursés sur votre carte.") % {"amount": payments.euros(outcome.refunded)},
                    )
                else:
                    messages.success(request, _("Commande modifiée."))
                _drop_pending_change(request, order)
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
        quantities = {int(pid): value for pid, value in posted.items()}
    rows = [(product, quantities.get(product.pk, 0), ordered, today) for product, ordered, today in products]
    return render(request, "order/change.html", {"order": order, "rows": rows, "errors": errors})


@login_required
@require_POST
def cancel(request, number):
    order = _own_order(request, number)
    try:
        with transaction.atomic():
            refunds = cancel_by_customer(order=order, by=request.user, reason=request.POST.get("reason", "")[:255])
    except ChangeNotAllowed as exc:
        messages.error(request, exc.message)
    except (TransitionNotAllowed, payments.PaymentError) as exc:
        messages.error(request, exc.message)
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
        _drop_pending_change(request, order)
    return redirect("order:detail", number=order.number)
