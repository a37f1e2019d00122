"""One row per piece of work that can wait: the durable record of a Celery job.

The row is written in the same transaction as the event it follows (an order's new status, a
payment), so a rolled-back change leaves no job; Celery is told after the commit. The row is
also the job's idempotency key: a worker runs the job only after claiming its row, so a message
delivered twice (a worker killed, the sweeper resending) never does the work twice. A job that
keeps failing stays here in state "failed", for head office to see and replay from the admin.
"""
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ocpizza.models import TimeStampedModel


class Job(TimeStampedModel):
    class State(models.TextChoices):
        WAITING = "waiting", _("En attente")
        RUNNING = "running", _("En cours")
        DONE = "done", _("Fait")
        FAILED = "failed", _("En échec")

    key = models.CharField(_("clé"), max_length=200, unique=True,
                           help_text=_("L'événement que ce travail suit : un même événement ne fait le travail qu'une fois."))
    task = models.CharField(_("travail"), max_length=120)
    arguments = models.JSONField(_("paramètres"), default=dict, blank=True)
    state = models.CharField(_("état"), max_length=10, choices=State.choices, default=State.WAITING)
    attempts = models.PositiveIntegerField(_("essais"), default=0)
    next_attempt_at = models.DateTimeField(_("prochain essai"), default=timezone.now)
    lease_until = models.DateTimeField(_("réservé jusqu'à"), null=True, blank=True)
    last_error = models.TextField(_("dernière erreur"), blank=True)
    done_at = models.DateTimeField(_("fait le"), null=True, blank=True)
    replays = models.PositiveIntegerField(_("relances"), default=0)
    replayed_by = models.CharField(_("relancé par"), max_length=254, blank=True)

    class Meta:
        verbose_name = _("travail en arrière-plan")
        verbose_name_plural = _("travaux en arrière-plan")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="jobs_state_next_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=["waiting", "running", "done", "failed"]), name="jobs_state_known"
            ),
        ]

    def __str__(self):
        return f"{self.task} ({self.key})"
