from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Operations: health probe, backups and restore, weekly maintenance, deploy checks (O-4..O-9).
    No models."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "ops"
    verbose_name = _("Exploitation")

    def ready(self):
        # Registers the production deploy checks (ocpizza.E001...) of `check --deploy`.
        from ocpizza import checks  # noqa: F401
