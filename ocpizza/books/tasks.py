"""The books' background jobs (issue 18): each shop's closings at the end of the service day.

Celery beat runs close_all_books every night (settings.queue: CELERY_BEAT_SCHEDULE, after the
last service); it enqueues one job per shop and day (jobs.services.enqueue: a second run the
same night sends nothing), and each job closes what is due for its shop (books.closings:
idempotent, so a job retried after a crash writes nothing twice)."""
from celery import shared_task
from django.utils import timezone

from books.closings import close_books
from books.models import JournalHead
from jobs.services import enqueue
from jobs.tasks import job_task


@job_task()
def close_shop_books(*, shop_id):
    close_books(shop_id=shop_id)


@shared_task(name="books.tasks.close_all_books", ignore_result=True)
def close_all_books():
    day = timezone.localdate().isoformat()
    shop_ids = list(JournalHead.objects.values_list("shop_id", flat=True))
    for shop_id in shop_ids:
        enqueue("books.tasks.close_shop_books", key=f"close-books:{shop_id}:{day}", arguments={"shop_id": shop_id})
    return len(shop_ids)
