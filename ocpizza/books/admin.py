from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin

from account.roles import is_head_office
from books.models import Closing, JournalEntry, VatRate
from books.resources import VatRateResource
from books.verification import verify_books
from ocpizza.admin_base import BusinessAdmin, HeadOfficeWriteMixin
from pizzeria.models import Pizzeria
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


class ReadOnlyBooksAdmin(ModelAdmin):
    """The journal and the closings (issue 18): head office reads them; nobody adds, changes or
    deletes one here (books.journal and books.closings write them, the database refuses the rest)."""

    def has_view_permission(self, request, obj=None):
        return is_head_office(request.user)

    def has_module_permission(self, request):
        return is_head_office(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        return {}


@admin.register(JournalEntry)
class JournalEntryAdmin(ReadOnlyBooksAdmin):
    list_display = ["sequence", "shop", "kind", "order_number", "payment_method", "amount_ttc", "amount_ht", "amount_tva",
                    "occurred_at", "short_hash"]
    list_filter = ["shop", "kind", "service_day"]
    search_fields = ["order_number"]
    list_select_related = ["shop"]
    list_before_template = "admin/books/journal_verify_link.html"

    @admin.display(description=_("empreinte"))
    def short_hash(self, obj):
        return f"{obj.hash[:12]}…"

    def get_urls(self):
        urls = [
            path("verification/", self.admin_site.admin_view(self.verify_view), name="books_journalentry_verify"),
        ]
        return urls + super().get_urls()

    def verify_view(self, request):
        """Head office's check of every shop's chains, as `manage.py verify_journal` does."""
        if not is_head_office(request.user):
            raise PermissionDenied
        reports = verify_books()
        names = dict(Pizzeria.objects.filter(pk__in=[r.shop_id for r in reports]).values_list("pk", "name"))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Vérification du journal des ventes"),
            "reports": [(names.get(r.shop_id, r.shop_id), r) for r in reports],
            "broken": sum(1 for r in reports if not r.ok),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/books/journal_verify.html", context)


@admin.register(Closing)
class ClosingAdmin(ReadOnlyBooksAdmin):
    list_display = ["sequence", "shop", "kind", "period_start", "period_end", "entries_count", "total_ht", "total_tva",
                    "total_ttc", "grand_total"]
    list_filter = ["shop", "kind"]
    list_select_related = ["shop"]
