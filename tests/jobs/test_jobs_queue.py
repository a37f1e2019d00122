"""Jobs in-process (CELERY_TASK_ALWAYS_EAGER, as the suite runs them): enqueued only when the
transaction commits, claimed once, retried with backoff, failed after the last attempt,
replayed by head office, resent when their message was lost. The real worker on Redis is
tests/jobs/test_jobs_redis.py."""
import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from jobs import services
from jobs.models import Job


@pytest.fixture
def staff(db):
    from account.models import User

    return User.objects.create_user("nouvelle.gerante@ocpizza.fr")


def test_the_job_runs_after_the_commit_only(staff, django_capture_on_commit_callbacks):
    from account.services import send_set_password_email

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        send_set_password_email(user=staff)
        assert mail.outbox == []  # nothing sent inside the transaction
    assert len(callbacks) == 1
    assert [m.to for m in mail.outbox] == [["nouvelle.gerante@ocpizza.fr"]]
    assert Job.objects.get().state == Job.State.DONE


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_leaves_no_job_and_sends_nothing():
    from account.models import User
    from account.services import send_set_password_email

    user = User.objects.create_user("annulee@ocpizza.fr")
    with transaction.atomic():
        send_set_password_email(user=user)
        transaction.set_rollback(True)
    assert Job.objects.count() == 0 and mail.outbox == []
    send_set_password_email(user=user)  # autocommit: sent at once
    assert len(mail.outbox) == 1


def test_one_key_one_job(staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = services.enqueue("account.tasks.send_password_link", key="evt-1",
                                 arguments={"user_id": staff.pk, "kind": "set", "domain": "ocpizza.fr", "protocol": "https"})
        again = services.enqueue("account.tasks.send_password_link", key="evt-1", arguments={})
    assert first.pk == again.pk and len(callbacks) == 1 and len(mail.outbox) == 1


def test_a_second_delivery_does_nothing(staff, django_capture_on_commit_callbacks):
    from account.tasks import send_password_link

    with django_capture_on_commit_callbacks(execute=True):
        job = services.enqueue("account.tasks.send_password_link", key="evt-2",
                               arguments={"user_id": staff.pk, "kind": "set", "domain": "ocpizza.fr", "protocol": "https"})
    assert send_password_link.apply(args=[job.pk]).get() == "skipped"  # the same message again
    assert len(mail.outbox) == 1
    job.refresh_from_db()
    assert job.attempts == 1


def test_mail_server_down_the_job_waits_with_backoff_then_fails_and_head_office_replays_it(
        staff, settings, django_capture_on_commit_callbacks, caplog, demo_users):
    from account.tasks import send_password_link

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", _closed_port(), 2
    settings.JOBS_MAX_ATTEMPTS = 3
    with django_capture_on_commit_callbacks(execute=True):
        job = services.enqueue("account.tasks.send_password_link", key="evt-3",
                               arguments={"user_id": staff.pk, "kind": "set", "domain": "ocpizza.fr", "protocol": "https"})
    job.refresh_from_db()
    assert job.state == Job.State.WAITING and job.attempts == 1 and "ConnectionRefusedError" in job.last_error
    first_delay = job.next_attempt_at - timezone.now()
    assert timedelta(0) < first_delay <= timedelta(seconds=settings.JOBS_RETRY_BACKOFF)

    # Not due yet: a delivery now does nothing.
    assert send_password_link.apply(args=[job.pk]).get() == "skipped"
    for attempt in (2, 3):
        Job.objects.filter(pk=job.pk).update(next_attempt_at=timezone.now())
        send_password_link.apply(args=[job.pk]).get()
        job.refresh_from_db()
        assert job.attempts == attempt
    assert job.state == Job.State.FAILED
    assert "failed after 3 attempt(s)" in caplog.text

    # The mail server is back; head office replays the job.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        assert services.replay(jobs=[job], by=demo_users["head_office"]) == 1
    job.refresh_from_db()
    assert job.state == Job.State.DONE and job.replays == 1 and job.replayed_by == "siege@ocpizza.fr"
    assert len(mail.outbox) == 1


def test_an_error_retrying_cannot_fix_fails_at_once(staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = services.enqueue("account.tasks.send_password_link", key="evt-4",
                               arguments={"user_id": staff.pk, "kind": "no-such-kind", "domain": "x", "protocol": "https"})
    job.refresh_from_db()
    assert job.state == Job.State.FAILED and job.attempts == 1 and "KeyError" in job.last_error


def test_resend_stale_sends_again_lost_and_abandoned_jobs(staff, settings):
    arguments = {"user_id": staff.pk, "kind": "set", "domain": "ocpizza.fr", "protocol": "https"}
    long_ago = timezone.now() - timedelta(seconds=settings.JOBS_RESEND_AFTER + 60)
    lost = Job.objects.create(key="lost", task="account.tasks.send_password_link", arguments=arguments, next_attempt_at=long_ago)
    abandoned = Job.objects.create(key="abandoned", task="account.tasks.send_password_link", arguments=arguments,
                                   state=Job.State.RUNNING, attempts=1, lease_until=timezone.now() - timedelta(seconds=1))
    fresh = Job.objects.create(key="fresh", task="account.tasks.send_password_link", arguments=arguments)
    running = Job.objects.create(key="running", task="account.tasks.send_password_link", arguments=arguments,
                                 state=Job.State.RUNNING, lease_until=timezone.now() + timedelta(minutes=1))
    assert services.resend_stale() == 2
    states = dict(Job.objects.values_list("key", "state"))
    assert states == {"lost": "done", "abandoned": "done", "fresh": "waiting", "running": "running"}
    assert len(mail.outbox) == 2
    assert Job.objects.get(pk=abandoned.pk).attempts == 2 and Job.objects.get(pk=lost.pk).attempts == 1
    assert fresh and running


def _closed_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
