"""The lines and payments shown on an order's page (read only)."""
from unfold.admin import TabularInline

from order.models import OrderLine, Payment
from pizzeria.admin_mixins import ReadOnlyAdminMixin, ShopInlineMixin


class OrderLineInline(ReadOnlyAdminMixin, ShopInlineMixin, TabularInline):
    parent_shop_path = "pizzeria"
    model = OrderLine
    extra = 0
    fields = ["product_name", "options_label", "quantity", "unit_price", "allergens"]
    readonly_fields = fields
    can_delete = False  # lines are priced and checked by order.placing.place_order; read here


class PaymentInline(ShopInlineMixin, TabularInline):
    parent_shop_path = "pizzeria"  # a driver in this shop does not read its payments, wherever else he manages
    model = Payment
    extra = 0
    # Every Stripe attempt and refund with its references (issue 7: order.payments).
    fields = [
        "created_at", "kind", "provider", "status", "amount", "currency", "intent_id", "refund_id",
        "event_ids", "idempotency_key", "failure_message",
    ]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False
