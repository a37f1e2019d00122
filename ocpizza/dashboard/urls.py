"""Exports of the dashboard's tables; mounted under /admin/ by ocpizza/urls.py."""
from django.contrib import admin
from django.urls import path

from dashboard import views

app_name = "dashboard"

urlpatterns = [
    # admin_view: the admin's own login redirect and staff check.
    path("export/<slug:table>.<str:fmt>", admin.site.admin_view(views.export), name="export"),
]
