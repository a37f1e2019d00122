from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Operations: health probe, backups and restore, weekly maintenance (O-4..O-9). No models."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "ops"
    verbose_name = _("Exploitation")
