"""The Celery side of jobs: `job_task` turns a plain function into a job, and the sweeper.

    @job_task(retry_on=(OSError, smtplib.SMTPException))
    def send_status_email(*, order_id, status): ...

    enqueue("order.tasks.send_status_email", key=f"order-status:{event}", arguments={...})

The Celery task takes the Job's id only; its arguments are read from the row, so a message
carries nothing personal and a replay runs with what was decided at the time of the event.
Messages are acknowledged after the work (acks_late) and given back to the broker when the
worker process dies (reject_on_worker_lost); the claim makes a second delivery a no-op.
"""
import functools
import smtplib

from celery import shared_task

from jobs import services

# What a retry can fix: the network, the mail server, a database that went away for a moment.
TRANSIENT = (OSError, smtplib.SMTPException)


def job_task(*, retry_on=TRANSIENT, lease_seconds=None, **celery_options):
    """`retry_on`: the exceptions worth another attempt (others fail the job at once).
    `lease_seconds`: for a job longer than JOBS_LEASE_SECONDS, with a matching time_limit."""

    def decorate(func):
        name = f"{func.__module__}.{func.__name__}"

        @shared_task(name=name, bind=True, acks_late=True, reject_on_worker_lost=True, **celery_options)
        @functools.wraps(func)
        def task(self, job_id):
            job = services.claim(job_id, lease_seconds=lease_seconds)
            if job is None:
                return "skipped"  # done already, or another worker holds it
            try:
                func(**job.arguments)
            except Exception as exc:
                delay = services.fail(job, exc, retry=isinstance(exc, retry_on))
                if delay is None:
                    return "failed"
                if self.request.is_eager:
                    # In-process (tests, CELERY_TASK_ALWAYS_EAGER): no broker to hold the retry;
                    # the job waits and resend_stale sends it when it is due.
                    return "waiting"
                raise self.retry(countdown=delay, max_retries=None) from exc
            services.finish(job)
            return "done"

        return task

    return decorate


@shared_task(name="jobs.tasks.resend_stale_jobs", ignore_result=True)
def resend_stale_jobs():
    """Celery beat, every JOBS_SWEEP_SECONDS: send again the jobs whose message was lost."""
    return services.resend_stale()
