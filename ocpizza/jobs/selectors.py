"""Reads on jobs: the backlog /healthz reports."""
from django.db.models import Count, Min
from django.utils import timezone

from jobs.models import Job


def backlog() -> dict:
    """Jobs waiting or running, the age in seconds of the oldest one, and the failed ones."""
    counts = dict(Job.objects.filter(state__in=[Job.State.WAITING, Job.State.RUNNING, Job.State.FAILED])
                  .values_list("state").annotate(n=Count("pk")).values_list("state", "n"))
    oldest = Job.objects.filter(state__in=[Job.State.WAITING, Job.State.RUNNING]).aggregate(at=Min("created_at"))["at"]
    return {
        "waiting": counts.get(Job.State.WAITING, 0),
        "running": counts.get(Job.State.RUNNING, 0),
        "failed": counts.get(Job.State.FAILED, 0),
        "oldest_seconds": int((timezone.now() - oldest).total_seconds()) if oldest else 0,
    }
