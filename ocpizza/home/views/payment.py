"""Card payment pages: pay, the card attempt and its check, a refused card, a new SetupIntent,
the confirmation and "Vérifier à nouveau" (F-ORD-4, F-ORD-5).

Views stay thin: every call to Stripe goes through order.payments."""
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from home.views.orders import drop_pending_change, own_order, pending_change
from order import payments
from order.checkout import ChangeNotAllowed, check_changeable
from order.models import Order, Payment

# "Vérifier à nouveau" asks Stripe about an order's open attempts at most this often.
RECHECK_INTERVAL = 10


@login_required
def pay(request, number):
    order = own_order(request, number)
    change = pending_change(request, order)
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
        if payment is not None and pending_change(request, order) is not None:
            drop_pending_change(request, order)
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
    order = own_order(request, number)
    change = pending_change(request, order)
    try:
        if change is not None:
            check_changeable(order, request.user)
        result = payments.start_card_payment(
            order=order, payment_method_id=request.POST.get("payment_method", ""), change=change, by=request.user
        )
    except (payments.PaymentError, ChangeNotAllowed) as exc:
        if isinstance(exc, ChangeNotAllowed):
            drop_pending_change(request, order)
        return _payment_json(request, order, "error", message=exc.message)
    return _payment_json(
        request, order, result.status, payment=result.payment, message=result.message, client_secret=result.client_secret
    )


@login_required
@require_POST
def pay_check(request, number):
    """After confirmCardPayment: re-read the intent (the webhook may come later)."""
    order = own_order(request, number)
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
    order = own_order(request, number)
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
    order = own_order(request, number)
    try:
        return JsonResponse({"client_secret": payments.create_setup_intent(order=order)})
    except payments.PaymentError as exc:
        return JsonResponse({"client_secret": "", "message": exc.message}, status=503)


@login_required
def confirmation(request, number):
    # Database only: the webhook and pay_check keep the attempts up to date; "Vérifier à nouveau"
    # (recheck) asks Stripe explicitly.
    order = own_order(request, number)
    return render(request, "order/confirmation.html", {"order": order, "paid": payments.is_fully_paid(order)})


@login_required
@require_POST
def recheck(request, number):
    """"Vérifier à nouveau": re-read the order's open card attempts from Stripe, at most once
    every RECHECK_INTERVAL seconds per order (page views never call Stripe)."""
    order = own_order(request, number)
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
