"""/healthz (O-5, O-8): what the load balancer and the watchdog see."""
import pytest
from django.db.migrations.recorder import MigrationRecorder
from django.test import Client


@pytest.mark.django_db
def test_healthz_is_ok_without_login_when_database_and_migrations_are_fine():
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "migrations": "ok",
                               "queue": {"broker": "ok", "waiting": 0, "running": 0, "failed": 0, "oldest_seconds": 0}}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_reports_the_queue_backlog_and_an_unreachable_broker_without_failing():
    from datetime import timedelta

    from django.utils import timezone

    from jobs.models import Job
    from ocpizza.celery import app

    Job.objects.create(key="a", task="order.tasks.send_status_email", state=Job.State.FAILED)
    old = Job.objects.create(key="b", task="order.tasks.send_status_email")
    Job.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(minutes=10))
    Job.objects.create(key="c", task="order.tasks.send_status_email", state=Job.State.DONE)
    previous = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens there
    try:
        response = Client().get("/healthz")
    finally:
        app.conf.broker_url = previous
    assert response.status_code == 200  # the site still takes orders: their jobs wait in the database
    queue = response.json()["queue"]
    assert queue["broker"].startswith("unreachable") and queue["waiting"] == 1 and queue["failed"] == 1
    assert queue["oldest_seconds"] >= 600


@pytest.mark.django_db
def test_healthz_fails_when_a_migration_is_not_applied():
    MigrationRecorder.Migration.objects.filter(app="order", name="0002_initial").delete()
    response = Client().get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error" and body["database"] == "ok"
    assert "order.0002_initial" in body["migrations"]


@pytest.mark.django_db
def test_healthz_refuses_writes():
    assert Client().post("/healthz").status_code == 405


def test_healthz_answers_503_when_the_database_is_unreachable(tmp_path):
    """A site whose MySQL server does not answer (nothing listens on the port) still answers the probe."""
    from tests.support.manage_fork import manage_forked
    from tests.support.ops_helpers import free_port, production_env

    env = production_env(tmp_path, database_url=f"mysql://ocpizza:x@127.0.0.1:{free_port()}/ocpizza")
    result = manage_forked(
        env, "shell", "-c",
        "from django.test import Client; r = Client().get('/healthz', HTTP_HOST='localhost'); print(r.status_code, r.content.decode())",
    )
    last = result.stdout.strip().splitlines()[-1]
    assert last.startswith("503 ")
    assert '"database": "database unreachable: OperationalError"' in last
    assert '"migrations": "skipped"' in last
