"""Weekly maintenance (O-6): what has outlived its use goes, the records stay."""
from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessLog
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone

from pizzeria.models import StockMovement
from product.models import Product


@pytest.mark.django_db(transaction=True)
def test_weekly_maintenance_prunes_old_rows_and_keeps_the_ledger(demo_data):
    now = timezone.now()
    expired, live = SessionStore(), SessionStore()
    expired.create()
    live.create()
    Session.objects.filter(session_key=expired.session_key).update(expire_date=now - timedelta(days=1))

    old_attempt = AccessAttempt.objects.create(username="x@ocpizza.fr", ip_address="10.0.0.1", failures_since_start=3,
                                               get_data="", post_data="", http_accept="", path_info="/", user_agent="")
    AccessAttempt.objects.filter(pk=old_attempt.pk).update(attempt_time=now - timedelta(days=3))
    fresh_attempt = AccessAttempt.objects.create(username="y@ocpizza.fr", ip_address="10.0.0.2", failures_since_start=1,
                                                 get_data="", post_data="", http_accept="", path_info="/", user_agent="")
    old_log = AccessLog.objects.create(username="x@ocpizza.fr", ip_address="10.0.0.1", http_accept="", path_info="/", user_agent="")
    AccessLog.objects.filter(pk=old_log.pk).update(attempt_time=now - timedelta(days=200))

    margherita = Product.objects.get(slug="margherita")
    history = margherita.history.all()
    old_version = history.last()
    type(old_version).objects.filter(pk=old_version.pk).update(history_date=now - timedelta(days=800))
    margherita.price += 1
    margherita.save()
    recent_versions = margherita.history.count() - 1
    movements = StockMovement.objects.count()

    call_command("weekly_maintenance", history_days=730, axes_days=90)

    assert not Session.objects.filter(session_key=expired.session_key).exists()
    assert Session.objects.filter(session_key=live.session_key).exists()
    assert not AccessAttempt.objects.filter(pk=old_attempt.pk).exists()
    assert AccessAttempt.objects.filter(pk=fresh_attempt.pk).exists()  # may still lock its account
    assert not AccessLog.objects.filter(pk=old_log.pk).exists()
    assert margherita.history.count() == recent_versions
    assert not margherita.history.filter(pk=old_version.pk).exists()
    assert StockMovement.objects.count() == movements  # the ledger is never pruned
