from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PizzeriaConfig(AppConfig):
    name = "pizzeria"
    verbose_name = _("Pizzerias et stock")
