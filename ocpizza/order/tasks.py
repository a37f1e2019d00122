"""The order's background jobs: the customer's e-mails and the reconciliation with Stripe.

Enqueued by order.notifications, order.settlement and order.refunds inside the transaction of
the event (jobs.services.enqueue); run by the Celery workers, retried while the mail server or
Stripe is down."""
import smtplib
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from jobs.services import enqueue
from jobs.tasks import job_task
from order import notifications, receipts, stripe_gateway
from order.models import Order, Payment
from order.settlement import OPEN_PAYMENT_STATUSES, apply_intent


@job_task(retry_on=(OSError, smtplib.SMTPException))
def send_status_email(*, order_id, status):
    notifications.send_status_email(order_id, status)


@job_task(retry_on=(OSError, smtplib.SMTPException))
def send_payment_receipt(*, payment_id):
    receipts.send_payment_receipt(payment_id)


@job_task(retry_on=(OSError, stripe_gateway.GatewayError))
def reconcile_order_payments(*, order_id):
    """Ask Stripe about every card attempt of the order still open and record its answer, as the
    webhook would: catches a webhook Stripe never delivered. Stripe down: retried with backoff."""
    open_payments = Payment.objects.filter(
        order_id=order_id, kind=Payment.Kind.CHARGE, status__in=OPEN_PAYMENT_STATUSES
    ).exclude(intent_id="")
    for payment in open_payments:
        try:
            intent = stripe_gateway.retrieve_payment_intent(payment.intent_id)
        except stripe_gateway.UnknownObject:
            continue  # Stripe has no such intent: nothing to record (the webhook flags these)
        apply_intent(intent)


@shared_task(name="order.tasks.reconcile_open_payments", ignore_result=True)
def reconcile_open_payments():
    """Celery beat, every 5 minutes: one reconciliation job per order whose card payment has
    been open for more than RECONCILE_AFTER_MINUTES (and less than two days)."""
    now = timezone.now()
    oldest, newest = now - timedelta(days=2), now - timedelta(minutes=settings.RECONCILE_AFTER_MINUTES)
    order_ids = (
        Payment.objects.filter(kind=Payment.Kind.CHARGE, status__in=OPEN_PAYMENT_STATUSES, created_at__range=(oldest, newest))
        .exclude(intent_id="")
        .exclude(order__status=Order.Status.CANCELLED)
        .values_list("order_id", flat=True)
        .distinct()
    )
    window = now.strftime("%Y%m%d%H") + f"{now.minute // 5:02d}"  # one job per order per 5 minutes
    for order_id in order_ids:
        enqueue("order.tasks.reconcile_order_payments", key=f"reconcile:{order_id}:{window}", arguments={"order_id": order_id})
    return len(order_ids)
