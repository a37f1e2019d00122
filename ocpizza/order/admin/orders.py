"""OrderAdmin: the list, its filters and the order page (F-OM-1..6).

The workflow's buttons and bulk actions come from order.admin.transitions (built from
order.workflow.TRANSITIONS), the phone order form from order.admin.phone_order, the kitchen
and driver queues from order.admin.queues; every click goes through order.services.
"""
from django.contrib import admin
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from unfold.decorators import display

from order.admin.inlines import OrderLineInline, PaymentInline
from order.admin.documents import DocumentsMixin
from order.admin.phone_order import PhoneOrderMixin
from order.admin.queues import QueuesMixin
from order.admin.transitions import TransitionActionsMixin
from order.models import Order
from order.tracking import order_timeline
from ocpizza.admin_base import BusinessAdmin
from pizzeria.admin_mixins import ShopScopedAdminMixin

STATUS_COLOURS = {
    Order.Status.AWAITING_CONFIRMATION: "info",
    Order.Status.TO_PREPARE: "warning",
    Order.Status.IN_PREPARATION: "warning",
    Order.Status.READY: "success",
    Order.Status.OUT_FOR_DELIVERY: "info",
    Order.Status.DELIVERED: "success",
    Order.Status.CANCELLED: "danger",
    Order.Status.REFUSED: "danger",
}


# The only fields of the order page staff may edit: contact details (see OrderAdmin.readonly_fields).
EDITABLE_FIELDS = ("customer_phone", "customer_note", "delivery_instructions")


@admin.register(Order)
class OrderAdmin(DocumentsMixin, TransitionActionsMixin, PhoneOrderMixin, QueuesMixin, ShopScopedAdminMixin, BusinessAdmin):
    # The workflow's buttons, then the receipt, invoice and credit notes (issue 18).
    actions_detail = [*TransitionActionsMixin.actions_detail, "detail_documents"]
    list_display = [
        "number_column",
        "created_at",
        "pizzeria",
        "customer_display",
        "channel",
        "fulfilment",
        "status_badge",
        "payment_column",
        "total",
    ]
    list_filter = ["status", "payment_status", "channel", "fulfilment", "pizzeria"]
    search_fields = ["number", "customer__email", "customer_name", "customer_phone", "delivery_line"]
    list_select_related = ["pizzeria", "customer"]
    date_hierarchy = "created_at"
    inlines = [OrderLineInline, PaymentInline]
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
                    "timeline",
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
        # Issue 17: the time the order is for (order.booking) and the kitchen's "Vu" and print.
        (
            _("Horaire et cuisine"),
            {"fields": ["scheduled_for", "ready_by", "promised_at", "acknowledged_at", "acknowledged_by", "printed_at"]},
        ),
    ]
    # Status, money and shop change only through the workflow: the form edits the contact
    # details of EDITABLE_FIELDS and nothing else; every other field shown is read-only.
    readonly_fields = [f for _title, options in fieldsets for f in options["fields"] if f not in EDITABLE_FIELDS]
    def has_add_permission(self, request):
        return False  # orders are created by place_order (site, or "Saisir une commande")

    def has_delete_permission(self, request, obj=None):
        return False  # an order is cancelled, never deleted (payments and ledger point at it)

    # --- list ----------------------------------------------------------------------------

    # On one line: staff read it out on the phone, and "OC-FGC5-NRXT" broken at its dashes
    # over three lines read as three things.
    @display(description=_("numéro"), ordering="number")
    def number_column(self, obj):
        return format_html('<span class="whitespace-nowrap">{}</span>', obj.number)

    @display(description=_("client"))
    def customer_display(self, obj):
        return obj.customer_display

    # The field's own name ("statut du paiement") is a header wider than its values: at 1440 px,
    # beside the row's buttons, it pushed the list past the screen's width.
    @display(description=_("paiement"), ordering="payment_status")
    def payment_column(self, obj):
        return obj.get_payment_status_display()

    # --- order page --------------------------------------------------------------------

    @display(description=_("historique"))
    def timeline(self, obj):
        """The customer's timeline (order.tracking), changes and refunds included (issue 19)."""
        if obj is None or obj.pk is None:
            return "—"
        return format_html(
            '<ol class="order-timeline">{}</ol>',
            format_html_join(
                "", '<li data-kind="{}"><time datetime="{}">{}</time> — {}</li>',
                (
                    (step.kind, step.at.isoformat(), date_format(timezone.localtime(step.at), "d/m/Y H:i"), step.label)
                    for step in order_timeline(obj)
                ),
            ),
        )

    @display(description=_("statut"), ordering="status", label={k.value: v for k, v in STATUS_COLOURS.items()})
    def status_badge(self, obj):
        return obj.status, obj.get_status_display()
