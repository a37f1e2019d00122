"""`/healthz`: the probe of the load balancer, Supervisor's watchdog and the deploy smoke test.

200 when the database answers and every migration on disk is applied; 503 otherwise, with the
failing part named. No login, no session, no template: it must stay cheap and always answer.
It also reports the job queue (broker reachable, jobs waiting, running and failed, the age of
the oldest waiting one) without failing on it: see check_queue."""
import logging

from django.db import DatabaseError, connection
from django.db.migrations.loader import MigrationLoader
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


def check_database() -> str | None:
    """None when a query succeeds, else the reason."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return f"database unreachable: {exc.__class__.__name__}"
    return None


def check_migrations() -> str | None:
    """None when every migration on disk is recorded as applied, else the first pending ones.

    Every node of the graph is compared, not only the plan to the leaves: a migration missing in
    the middle of an app's history (say, restored from an older backup) is pending too, though
    Django's executor plans nothing when the leaf is recorded."""
    try:
        loader = MigrationLoader(connection, ignore_no_migrations=True)
        pending = sorted(key for key in loader.graph.nodes if key not in loader.applied_migrations)
    except DatabaseError as exc:
        return f"migrations unreadable: {exc.__class__.__name__}"
    if pending:
        names = ", ".join(f"{app}.{name}" for app, name in pending[:5])
        return f"{len(pending)} unapplied migration(s): {names}"
    return None


def check_queue() -> dict:
    """The job queue: whether the broker answers, and the backlog in the jobs table. Reported,
    never a 503: with Redis down the site still takes orders (their jobs wait in the database
    and are sent when it is back), so a load balancer must not take every app server out."""
    from ocpizza.celery import app
    from jobs.selectors import backlog

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=0, timeout=2)
        broker = "ok"
    except Exception as exc:  # noqa: BLE001 — any transport error means "unreachable"
        logger.warning("healthz: job broker unreachable: %s", exc.__class__.__name__)
        broker = f"unreachable: {exc.__class__.__name__}"
    try:
        return {"broker": broker, **backlog()}
    except DatabaseError:
        return {"broker": broker}


@never_cache
@require_safe
def healthz(request):
    checks = {"database": check_database()}
    # Migrations cannot be read without a database.
    checks["migrations"] = check_migrations() if checks["database"] is None else "skipped"
    healthy = all(result is None for result in checks.values())
    if not healthy:
        logger.error("healthz failing: %s", checks)
    body = {"status": "ok" if healthy else "error", **{name: result or "ok" for name, result in checks.items()}}
    if checks["database"] is None:
        body["queue"] = check_queue()
    return JsonResponse(body, status=200 if healthy else 503)
