"""Order back office, one module per concern (issue 15 point 3):

- orders: OrderAdmin, the list, its filters and the order page;
- transitions: the buttons and bulk actions, built from order.workflow.TRANSITIONS;
- phone_order: the phone and counter order form (F-ORD-6);
- queues: the kitchen and driver queues (F-OM-1, F-OM-4);
- inlines: the order's lines and payments;
- payments: PaymentAdmin and WebhookEventAdmin (read only).
"""
from order.admin.orders import OrderAdmin
from order.admin.payments import PaymentAdmin, WebhookEventAdmin

__all__ = ["OrderAdmin", "PaymentAdmin", "WebhookEventAdmin"]
