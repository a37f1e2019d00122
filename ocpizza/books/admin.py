from django.contrib import admin

from books.models import VatRate
from books.resources import VatRateResource
from ocpizza.admin_base import BusinessAdmin, HeadOfficeWriteMixin
from product.import_admin import SpreadsheetAdminMixin


@admin.register(VatRate)
class VatRateAdmin(HeadOfficeWriteMixin, BusinessAdmin, SpreadsheetAdminMixin):
    """The VAT rates by category and period (issue 18): head office writes, managers read. A rate
    that changes is a new period (the old one closed by its end date), never an edit of the
    rate of a past period: orders keep the rate they were placed with anyway."""

    resource_classes = [VatRateResource]
    list_display = ["category", "rate", "valid_from", "valid_until", "note"]
    list_filter = ["category"]
    search_fields = ["note"]
    fields = ["category", "rate", "valid_from", "valid_until", "note"]

