"""Payments and Stripe events: read only, written by order.payments and order.webhooks."""
from django.contrib import admin
from unfold.admin import ModelAdmin

from order.models import Payment, WebhookEvent
from ocpizza.admin_base import BusinessAdmin
from pizzeria.admin_mixins import ReadOnlyAdminMixin, ShopScopedAdminMixin


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdminMixin, ShopScopedAdminMixin, BusinessAdmin):
    shop_path = "order__pizzeria"
    list_display = ["created_at", "order", "kind", "provider", "status", "amount", "intent_id"]
    list_filter = ["kind", "provider", "status"]
    search_fields = ["order__number", "intent_id", "refund_id"]
    list_select_related = ["order"]


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyAdminMixin, ShopScopedAdminMixin, ModelAdmin):
    # The record of what Stripe sent is append-only, like the stock ledger.
    shop_path = "order__pizzeria"
    list_display = ["received_at", "type", "event_id", "order", "flagged", "note", "processed_at"]
    list_filter = ["type", "flagged"]
    search_fields = ["event_id", "order__number"]
