from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin, TabularInline

from pizzeria.admin_mixins import BusinessAdmin, ShopScopedAdminMixin
from order.models import Order, OrderLine, Payment, WebhookEvent


class OrderLineInline(TabularInline):
    model = OrderLine
    extra = 0
    fields = ["product", "product_name", "quantity", "unit_price"]
    readonly_fields = ["product_name", "unit_price"]
    autocomplete_fields = ["product"]


class PaymentInline(TabularInline):
    model = Payment
    extra = 0
    fields = ["created_at", "kind", "provider", "status", "amount", "intent_id", "failure_message"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Order)
class OrderAdmin(ShopScopedAdminMixin, BusinessAdmin):
    list_display = [
        "number",
        "created_at",
        "pizzeria",
        "customer_display",
        "channel",
        "fulfilment",
        "status",
        "payment_status",
        "total",
    ]
    list_filter = ["status", "payment_status", "channel", "fulfilment", "pizzeria"]
    search_fields = ["number", "customer__email", "customer_name", "customer_phone", "delivery_line"]
    list_select_related = ["pizzeria", "customer"]
    date_hierarchy = "created_at"
    inlines = [OrderLineInline, PaymentInline]
    readonly_fields = [
        "number",
        "status",
        "payment_status",
        "total",
        "amount_paid",
        "amount_refunded",
        "pizzaiolo",
        "driver",
        "confirmed_at",
        "accepted_at",
        "ready_at",
        "out_for_delivery_at",
        "delivered_at",
        "cancelled_at",
        "refused_at",
    ]
    fieldsets = [
        (None, {"fields": ["number", "pizzeria", "channel", "fulfilment", "status"]}),
        (_("Client"), {"fields": ["customer", "customer_name", "customer_phone", "customer_email", "customer_note"]}),
        (
            _("Livraison"),
            {"fields": ["delivery_line", "delivery_postcode", "delivery_city", "delivery_instructions"]},
        ),
        (
            _("Paiement"),
            {
                "fields": [
                    "payment_method",
                    "payment_status",
                    "total",
                    "amount_paid",
                    "amount_refunded",
                    "collected_amount",
                    "collected_method",
                ]
            },
        ),
        (
            _("Suivi"),
            {
                "fields": [
                    "pizzaiolo",
                    "driver",
                    "confirmed_at",
                    "accepted_at",
                    "ready_at",
                    "out_for_delivery_at",
                    "delivered_at",
                    "cancelled_at",
                    "refused_at",
                    "refusal_reason",
                    "cancellation_reason",
                ]
            },
        ),
    ]
    autocomplete_fields = ["customer"]

    @admin.display(description=_("client"))
    def customer_display(self, obj):
        return obj.customer_display


@admin.register(Payment)
class PaymentAdmin(ShopScopedAdminMixin, BusinessAdmin):
    shop_path = "order__pizzeria"
    list_display = ["created_at", "order", "kind", "provider", "status", "amount", "intent_id"]
    list_filter = ["kind", "provider", "status"]
    search_fields = ["order__number", "intent_id", "refund_id"]
    list_select_related = ["order"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(WebhookEvent)
class WebhookEventAdmin(ShopScopedAdminMixin, ModelAdmin):
    shop_path = "order__pizzeria"
    list_display = ["received_at", "type", "event_id", "order", "flagged", "processed_at"]
    list_filter = ["type", "flagged"]
    search_fields = ["event_id", "order__number"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
