from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "dashboard"
    verbose_name = _("Tableau de bord")

    def ready(self):
        # unfold's admin/index.html comes first in the template search (INSTALLED_APPS order):
        # the site is told which template is its home page instead.
        from django.contrib import admin

        admin.site.index_template = "dashboard/index.html"
