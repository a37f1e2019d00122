"""Operations jobs run by Celery beat (CELERY_BEAT_SCHEDULE in ocpizza/settings/queue.py)."""
from celery import shared_task
from django.utils import timezone

from jobs.services import enqueue
from jobs.tasks import job_task
from ops.maintenance import run_weekly_maintenance


# OPTIMIZE TABLE on big tables takes minutes: an hour allowed, and a lease as long, so that the
# sweeper never hands a running maintenance to a second worker.
@job_task(retry_on=(), lease_seconds=3700, time_limit=3600, soft_time_limit=3500)
def run_maintenance():
    run_weekly_maintenance()


@shared_task(name="ops.tasks.weekly_maintenance", ignore_result=True)
def weekly_maintenance():
    """Monday 01:00 (Europe/Paris): the weekly maintenance as a job, one per ISO week, so that a
    second beat started by mistake cannot run it twice and a failure shows in the admin."""
    year, week, _day = timezone.localdate().isocalendar()
    enqueue("ops.tasks.run_maintenance", key=f"weekly-maintenance:{year}-W{week:02d}")
