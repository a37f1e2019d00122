from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo data and the dashboard's sample history (`manage.py populate`, `dashboard_sample`).

    Outside the domain apps on purpose: it builds shops, staff, menu, stock and orders through
    the domain's services, so it depends on every app and no app depends on it. No models."""

    name = "demo"
    verbose_name = _("Démonstration")
