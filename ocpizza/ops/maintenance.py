"""Weekly database maintenance (O-6), run by cron every Monday at 01:00 when the shops are closed.

Deletes what has outlived its use (expired sessions, old login attempts and logs, audit history
past its retention period, stock reservations past their expiry, customers' personal data past
its retention period: privacy.services.apply_retention) and refreshes the optimiser statistics of the tables that grow with
every order. The stock ledger (StockMovement) and Stripe events are records: never pruned."""
from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from pizzeria.services import purge_expired_reservations
from privacy.services import apply_retention

# Tables that grow with orders and stock movements, plus the sessions and audit tables.
BIG_TABLE_PREFIXES = ("order_", "pizzeria_stock", "django_session", "axes_", "django_admin_log")


def big_tables() -> list[str]:
    names = connection.introspection.table_names(include_views=False)
    return sorted(name for name in names if name.startswith(BIG_TABLE_PREFIXES) or "_historical" in name)


def run_weekly_maintenance(*, history_days: int | None = None, axes_days: int | None = None, stdout=None) -> dict:
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    history_days = settings.HISTORY_RETENTION_DAYS if history_days is None else history_days
    axes_days = settings.AXES_RETENTION_DAYS if axes_days is None else axes_days
    now = timezone.now()
    report = {}

    report["sessions"] = Session.objects.filter(expire_date__lt=now).delete()[0]
    # Already ignored by every computation (issue 17); deleting them keeps the table small.
    report["reservations"] = purge_expired_reservations(now=now)

    # An attempt older than the cool-off locks nobody any more; the logs are kept for inquiries.
    cooloff = timedelta(hours=settings.AXES_COOLOFF_TIME or 0)
    report["axes_attempts"] = AccessAttempt.objects.filter(attempt_time__lt=now - max(cooloff, timedelta(days=1))).delete()[0]
    axes_limit = now - timedelta(days=axes_days)
    report["axes_logs"] = AccessLog.objects.filter(attempt_time__lt=axes_limit).delete()[0]
    report["axes_failure_logs"] = AccessFailureLog.objects.filter(attempt_time__lt=axes_limit).delete()[0]

    # Customers' personal data (issue 18): abandoned card orders, unactivated registrations,
    # inactive customers and old guest orders; before the history purge, which then drops less.
    report["personal_data"] = apply_retention(now=now)

    # django-simple-history's own command, over every audited model.
    call_command("clean_old_history", auto=True, days=history_days, verbosity=0)
    report["history_days"] = history_days

    tables = big_tables()
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "mysql":
            table_list = ", ".join(quote(name) for name in tables)
            # InnoDB rebuilds the table online and reclaims the space of deleted rows.
            cursor.execute(f"OPTIMIZE TABLE {table_list}")
            cursor.fetchall()
            cursor.execute(f"ANALYZE TABLE {table_list}")
            cursor.fetchall()
        elif connection.vendor == "sqlite":
            cursor.execute("ANALYZE")
            cursor.execute("VACUUM")
    report["tables"] = tables
    if stdout is not None:
        stdout.write(
            f"Sessions expirées supprimées : {report['sessions']}\n"
            f"Réservations de stock expirées supprimées : {report['reservations']}\n"
            f"Tentatives de connexion expirées supprimées : {report['axes_attempts']}\n"
            f"Journaux de connexion de plus de {axes_days} jours supprimés : "
            f"{report['axes_logs'] + report['axes_failure_logs']}\n"
            f"Commandes jamais payées annulées : {report['personal_data']['abandoned_orders']}\n"
            f"Inscriptions jamais activées supprimées : {report['personal_data']['unactivated_accounts']}\n"
            f"Clients inactifs anonymisés : {report['personal_data']['inactive_customers']}\n"
            f"Commandes sans compte anonymisées : {report['personal_data']['guest_orders']}\n"
            f"Historique de plus de {history_days} jours purgé.\n"
            f"Tables optimisées et analysées : {len(tables)}\n"
        )
    return report
