"""The jobs Celery beat schedules and the search index job: Stripe reconciliation (against
localstripe), the weekly maintenance once per week, the Algolia index after the commit."""
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from jobs.models import Job
from order import payments
from order.models import Order, Payment
from tests.support.payments_conftest import localstripe_authenticate, localstripe_card
from tests.support.payments_helpers import card_order


def test_reconciliation_records_what_stripe_says_about_a_payment_left_open(
        stripe_local, shops, demo_users, settings, django_capture_on_commit_callbacks):
    """The customer passed 3-D Secure but never came back and the webhook was lost: the payment
    is still "requires action" here. The reconciliation job asks Stripe and settles the order."""
    from order.tasks import reconcile_open_payments

    order = card_order(shops, demo_users["customer"])
    result = payments.start_card_payment(order=order, payment_method_id=localstripe_card(stripe_local, "4000002500003155"))
    assert result.status == Payment.Status.REQUIRES_ACTION
    localstripe_authenticate(stripe_local, result.payment.intent_id, result.client_secret, success=True)
    Payment.objects.filter(pk=result.payment.pk).update(
        created_at=timezone.now() - timedelta(minutes=settings.RECONCILE_AFTER_MINUTES + 1))

    with django_capture_on_commit_callbacks(execute=True):
        assert reconcile_open_payments() == 1
    job = Job.objects.get(task="order.tasks.reconcile_order_payments")
    assert job.state == Job.State.DONE
    order.refresh_from_db()
    assert order.payment_status == Order.PaymentStatus.PAID and order.status == Order.Status.TO_PREPARE
    # The receipt is a job of its own, sent once.
    assert Job.objects.get(task="order.tasks.send_payment_receipt").state == Job.State.DONE
    assert sum("Reçu de paiement" in m.subject for m in mail.outbox) == 1

    # The next round (another 5-minute window) finds nothing open.
    with django_capture_on_commit_callbacks(execute=True):
        assert reconcile_open_payments() == 0


def test_reconciliation_retries_while_stripe_is_down(stripe_local, shops, demo_users, settings,
                                                    django_capture_on_commit_callbacks):
    from order.tasks import reconcile_open_payments

    order = card_order(shops, demo_users["customer"])
    result = payments.start_card_payment(order=order, payment_method_id=localstripe_card(stripe_local, "4000002500003155"))
    Payment.objects.filter(pk=result.payment.pk).update(created_at=timezone.now() - timedelta(hours=1))
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # Stripe unreachable
    with django_capture_on_commit_callbacks(execute=True):
        reconcile_open_payments()
    job = Job.objects.get(task="order.tasks.reconcile_order_payments")
    assert job.state == Job.State.WAITING and job.attempts == 1 and job.last_error


@pytest.mark.django_db(transaction=True)  # VACUUM / OPTIMIZE cannot run inside the test's transaction
def test_weekly_maintenance_is_one_job_per_week():
    from ops.tasks import weekly_maintenance

    weekly_maintenance()  # beat, outside any transaction: the job is sent at once
    weekly_maintenance()  # a second beat, or beat restarted within the minute
    job = Job.objects.get()
    assert job.task == "ops.tasks.run_maintenance" and job.state == Job.State.DONE and job.attempts == 1


def test_search_index_follows_the_menu_after_the_commit(demo_data, settings, django_capture_on_commit_callbacks):
    """With Algolia configured, a product saved in the admin enqueues its record; the job sends
    it (algoliasearch_django is the outside world here: mocked)."""
    from product import search_sync
    from product.models import Product

    settings.SEARCH_BACKEND = "algolia"
    search_sync.connect()
    try:
        product = Product.objects.get(slug="margherita")
        with mock.patch("algoliasearch_django.save_record") as save, django_capture_on_commit_callbacks(execute=True):
            product.price = product.price + 1
            product.save()
            assert not save.called  # nothing leaves inside the transaction
        save.assert_called_once()
        assert save.call_args.args[0].pk == product.pk
        assert Job.objects.get(task="product.tasks.update_search_index").state == Job.State.DONE
    finally:
        from django.db.models.signals import post_delete, post_save

        for signal in (post_save, post_delete):
            signal.disconnect(dispatch_uid=f"search-index-product-{signal}", sender=Product)
            signal.disconnect(dispatch_uid=f"search-index-recipe-{signal}", sender=search_sync.RecipeLine)
