from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin, TabularInline
from unfold.decorators import display

from account.roles import is_head_office, pizzerias_of
from ocpizza.admin_base import BusinessAdmin
from pizzeria.admin_forms import ActorFormMixin, StaffMembershipForm, StaffMembershipFormSet, membership_refusal
from pizzeria.admin_mixins import ReadOnlyAdminMixin, ShopInlineMixin, ShopScopedAdminMixin
from pizzeria.legal import LEGAL_FIELDS
from pizzeria.models import OpeningHours, Pizzeria, SpecialDay, StaffMembership, Stock, StockMovement
from pizzeria.resources import StockCountResource
from pizzeria.stock_page import StockPageAdminMixin
from product.import_admin import SpreadsheetAdminMixin


class StockInline(ShopInlineMixin, TabularInline):
    model = Stock
    extra = 0
    fields = ["ingredient", "quantity"]
    readonly_fields = ["ingredient", "quantity"]
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False  # stock lines change through the ledger (stock page, imports, orders)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("ingredient__unit")


class OpeningHoursInline(ShopInlineMixin, TabularInline):
    """The shop's weekly services (issue 17, pizzeria.hours): the manager edits them here."""

    model = OpeningHours
    extra = 0
    fields = ["weekday", "opens", "closes"]


class SpecialDayInline(ShopInlineMixin, TabularInline):
    """Holidays and exceptional openings by date (pizzeria.hours)."""

    model = SpecialDay
    extra = 0
    fields = ["date", "closed", "opens", "closes", "note"]

    def get_queryset(self, request):
        return super().get_queryset(request).order_by("-date", "opens")


class StaffMembershipInline(ActorFormMixin, ShopInlineMixin, TabularInline):
    """The staff of the pizzeria whose page it is: managed by whoever is manager of THAT pizzeria."""

    model = StaffMembership
    form = StaffMembershipForm
    formset = StaffMembershipFormSet
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "role"]


@admin.register(Pizzeria)
class PizzeriaAdmin(ShopScopedAdminMixin, BusinessAdmin):
    shop_path = ""
    list_display = ["name", "city", "postcode", "phone", "status", "delivery_radius_km"]
    list_filter = ["status", "city"]
    search_fields = ["name", "city", "postcode", "address_line"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [OpeningHoursInline, SpecialDayInline, StaffMembershipInline, StockInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "status", "opening_date", "phone"]}),
        (_("Service"), {"fields": ["slot_capacity", "paused_until"]}),
        (_("Adresse"), {"fields": ["address_line", "postcode", "city", "latitude", "longitude"]}),
        (_("Zone de livraison"), {"fields": ["delivery_radius_km", "served_postcodes"]}),
        # Issue 18: printed on receipts, invoices and credit notes; head office's to set.
        (_("Mentions légales (tickets et factures)"), {"fields": [*LEGAL_FIELDS[:5], "registry", "invoice_prefix"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not is_head_office(request.user):
            fields += [*LEGAL_FIELDS, "registry"]
        return list(dict.fromkeys(fields))

    def has_add_permission(self, request):
        return is_head_office(request.user) and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return is_head_office(request.user) and super().has_delete_permission(request, obj)


@admin.register(StaffMembership)
class StaffMembershipAdmin(ActorFormMixin, ShopScopedAdminMixin, BusinessAdmin):
    form = StaffMembershipForm
    list_display = ["user", "pizzeria", "role"]
    list_filter = ["role", "pizzeria"]
    search_fields = ["user__email", "user__first_name", "user__last_name", "pizzeria__name"]
    list_select_related = ["user", "pizzeria"]
    autocomplete_fields = ["user"]

    # A membership of an account the user may not manage (head office, a superuser, someone
    # working only elsewhere) is read-only for them, as is one of a shop they do not manage.
    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or membership_refusal(request.user, obj, "change") is None)

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or membership_refusal(request.user, obj, "delete") is None)


@admin.register(Stock)
class StockAdmin(StockPageAdminMixin, ShopScopedAdminMixin, BusinessAdmin, SpreadsheetAdminMixin):
    resource_classes = [StockCountResource]  # stock counts: each change is an inventory movement
    list_display = ["ingredient", "pizzeria", "quantity_with_unit", "low_flag"]
    list_filter = ["pizzeria", "ingredient__unit"]
    search_fields = ["ingredient__name", "pizzeria__name"]
    list_select_related = ["pizzeria", "ingredient__unit"]
    readonly_fields = ["pizzeria", "ingredient", "quantity"]

    def has_add_permission(self, request):
        return False  # stock lines are created with the pizzeria or by import

    def has_import_permission(self, request):
        # Managers count their own shops (checked line by line); head office counts any.
        return is_head_office(request.user) or bool(pizzerias_of(request.user, StaffMembership.Role.MANAGER))

    @display(description=_("quantité"), ordering="quantity")
    def quantity_with_unit(self, obj):
        return f"{obj.quantity.normalize():f} {obj.ingredient.unit.symbol}"

    @display(description=_("stock bas"), label={True: "danger", False: "success"})
    def low_flag(self, obj):
        return obj.is_low


@admin.register(StockMovement)
class StockMovementAdmin(ReadOnlyAdminMixin, ShopScopedAdminMixin, ModelAdmin):
    shop_path = "stock__pizzeria"
    list_display = ["created_at", "stock", "delta", "quantity_after", "reason", "order", "user"]
    list_filter = ["reason", "stock__pizzeria"]
    search_fields = ["stock__ingredient__name", "note", "order__number"]
    list_select_related = ["stock__pizzeria", "stock__ingredient", "order", "user"]
    date_hierarchy = "created_at"

    # The ledger is append-only: it is read here, written by pizzeria.services.
