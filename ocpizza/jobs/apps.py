from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    """Work that can wait (e-mails, Stripe reconciliation, search index, maintenance), run by
    Celery workers: one Job row per event, written in the transaction of the event."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "jobs"
    verbose_name = _("Travaux en arrière-plan")
