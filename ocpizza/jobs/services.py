"""Writes on jobs: enqueue after the commit, claim, finish, fail, replay, resend the forgotten.

The life of a job:
- `enqueue` writes the row inside the caller's transaction and asks Celery to run it only once
  that transaction commits (transaction.on_commit): a rolled-back change never sends anything.
- the worker `claim`s the row (one UPDATE: waiting → running, with a lease) before doing the
  work; a second delivery of the same message finds it running or done and does nothing.
- `finish` marks it done; `fail` puts it back to waiting with a backoff (mail server or Stripe
  down) or, after JOBS_MAX_ATTEMPTS or on an error that retrying cannot fix, to failed.
- `resend_stale` (every JOBS_SWEEP_SECONDS, Celery beat) sends again a job whose message was
  lost: the broker was down at commit time, or its worker was killed and its lease ran out.
- `replay` (head office, from the admin) puts failed jobs back to waiting.
"""
import logging
import random
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from jobs.models import Job

logger = logging.getLogger("ocpizza.jobs")


def enqueue(task: str, *, key: str, arguments: dict | None = None) -> Job:
    """The job `task` (dotted path of a jobs.tasks.job_task) for the event named `key`.

    Call it inside the transaction that makes the event: the row commits or rolls back with it.
    A second call with the same key (the same event) returns the first job and sends nothing."""
    job, created = Job.objects.get_or_create(key=key[:200], defaults={"task": task, "arguments": arguments or {}})
    if created:
        # robust: a broker that is down must not fail the caller's request after its commit; the
        # job stays waiting and resend_stale sends it when the broker is back.
        transaction.on_commit(lambda: dispatch(job.pk, task), robust=True)
    return job


def dispatch(job_id: int, task: str) -> bool:
    """Hand the job to Celery (the broker, or in-process when CELERY_TASK_ALWAYS_EAGER)."""
    try:
        import_string(task).apply_async(args=[job_id])
    except Exception:  # noqa: BLE001 — any broker failure: the row stays waiting, the sweeper resends
        logger.warning("Job %s (%s) not handed to the queue; it will be sent again", job_id, task, exc_info=True)
        return False
    return True


def claim(job_id: int, *, lease_seconds: int | None = None) -> Job | None:
    """Take the job for this worker, or None when another delivery has it or did it already.

    A waiting job whose next attempt is due, or a running one whose lease ran out (its worker
    died in the middle), is taken in one UPDATE: two workers never both win. The lease must
    outlast the job's time limit (JOBS_LEASE_SECONDS, or the task's own)."""
    now = timezone.now()
    lease = timedelta(seconds=lease_seconds or settings.JOBS_LEASE_SECONDS)
    due = now + timedelta(seconds=1)  # Celery's countdown and our clock may differ by a tick
    taken = (
        Job.objects.filter(pk=job_id)
        .filter(Q(state=Job.State.WAITING, next_attempt_at__lte=due) | Q(state=Job.State.RUNNING, lease_until__lt=now))
        .update(state=Job.State.RUNNING, lease_until=now + lease, attempts=F("attempts") + 1, updated_at=now)
    )
    if not taken:
        return None
    return Job.objects.get(pk=job_id)


def finish(job: Job) -> None:
    now = timezone.now()
    Job.objects.filter(pk=job.pk).update(state=Job.State.DONE, done_at=now, lease_until=None, updated_at=now)


def backoff(attempts: int) -> int:
    """Seconds before the next attempt: doubling from JOBS_RETRY_BACKOFF up to JOBS_RETRY_BACKOFF_MAX,
    with some jitter so that a mail server coming back is not hit by every job in the same second."""
    base = settings.JOBS_RETRY_BACKOFF * 2 ** max(attempts - 1, 0)
    delay = min(base, settings.JOBS_RETRY_BACKOFF_MAX)
    return max(1, int(delay * random.uniform(0.8, 1.0)))


def fail(job: Job, error: BaseException, *, retry: bool) -> int | None:
    """Record a failed attempt. Returns the seconds until the next attempt, or None when the
    job gave up (state failed: head office sees it in the admin and may replay it)."""
    now = timezone.now()
    text = f"{error.__class__.__name__}: {error}"[:2000]
    if retry and job.attempts < settings.JOBS_MAX_ATTEMPTS:
        delay = backoff(job.attempts)
        Job.objects.filter(pk=job.pk).update(
            state=Job.State.WAITING, next_attempt_at=now + timedelta(seconds=delay), lease_until=None,
            last_error=text, updated_at=now,
        )
        logger.warning("Job %s (%s) attempt %s failed (%s); next attempt in %s s", job.pk, job.task, job.attempts, text, delay)
        return delay
    Job.objects.filter(pk=job.pk).update(state=Job.State.FAILED, lease_until=None, last_error=text, updated_at=now)
    logger.error("Job %s (%s) failed after %s attempt(s): %s", job.pk, job.task, job.attempts, text)
    return None


def resend_stale(*, limit: int = 500) -> int:
    """Send again the jobs whose message was lost: waiting well past their due time (broker
    down at commit, queue flushed) or running past their lease (worker killed). A job still in
    the queue gets a second message; the claim makes the extra one a no-op."""
    now = timezone.now()
    grace = timedelta(seconds=settings.JOBS_RESEND_AFTER)
    stale = (
        Job.objects.filter(
            Q(state=Job.State.WAITING, next_attempt_at__lt=now - grace) | Q(state=Job.State.RUNNING, lease_until__lt=now)
        )
        .order_by("next_attempt_at")
        .values_list("pk", "task")[:limit]
    )
    sent = 0
    for pk, task in stale:
        sent += dispatch(pk, task)
    return sent


@transaction.atomic
def replay(*, jobs, by) -> int:
    """Put failed jobs back to waiting and send them after the commit (head office, from the
    admin). Jobs that are not failed are left alone. Returns how many were replayed."""
    now = timezone.now()
    replayed = list(Job.objects.select_for_update().filter(pk__in=[job.pk for job in jobs], state=Job.State.FAILED))
    for job in replayed:
        Job.objects.filter(pk=job.pk).update(
            state=Job.State.WAITING, attempts=0, next_attempt_at=now, lease_until=None,
            replays=F("replays") + 1, replayed_by=getattr(by, "email", "")[:254], updated_at=now,
        )
        transaction.on_commit(lambda pk=job.pk, task=job.task: dispatch(pk, task), robust=True)
    return len(replayed)
