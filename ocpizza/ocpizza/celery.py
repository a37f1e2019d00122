"""The Celery application of OC Pizza: workers and beat start it with

    celery --workdir=ocpizza -A ocpizza worker      # deploy/supervisor/ocpizza-worker.conf
    celery --workdir=ocpizza -A ocpizza beat        # deploy/supervisor/ocpizza-beat.conf

Its settings are the CELERY_* names of ocpizza/settings (queue.py): the broker is Redis in
production (CELERY_BROKER_URL), a folder of files under var/queue in development and the demo.
Tasks are found in each app's tasks.py.
"""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ocpizza.settings")

app = Celery("ocpizza")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
