"""Order back office: list and page with the workflow's buttons, bulk actions, phone and counter
orders, and the kitchen and driver queues (F-OM-1..6, F-ORD-6).

Every button reads order.workflow.TRANSITIONS (shown only when allowed for the order's status and
the user's role in its pizzeria) and every click goes through order.services.
"""
from urllib.parse import quote

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _, ngettext
from django.views.decorators.http import require_POST
from unfold.admin import ModelAdmin, TabularInline
from unfold.decorators import action, display
from unfold.enums import ActionVariant

from account.roles import is_head_office, roles_of
from ocpizza.admin_base import BusinessAdmin
from order import selectors, workflow
from order.admin_forms import StaffOrderForm, TransitionForm, needs_collection
from order.models import Order, OrderLine, Payment, WebhookEvent
from order.services import WORKFLOW_ERRORS, error_message, place_order, record_failed_collection, run_transition
from pizzeria.admin_mixins import ShopInlineMixin, ShopScopedAdminMixin

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
ACTION_LABELS = {t.action: t.label for t in reversed(workflow.TRANSITIONS)}
ACTION_LABELS["deliver"] = _("Livrée / remise")


class OrderLineInline(ShopInlineMixin, TabularInline):
    parent_shop_path = "pizzeria"
    model = OrderLine
    extra = 0
    fields = ["product_name", "quantity", "unit_price"]
    readonly_fields = fields
    can_delete = False

    # Lines are priced and checked by order.services.place_order; they are read here.
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


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


def _redirect_back(request, default):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return HttpResponseRedirect(target)
    return HttpResponseRedirect(default)


def _detail_action(name, label, icon, variant):
    """The button of one transition of order.workflow on the order page."""

    def view(self, request, object_id):
        return self._transition_view(request, object_id, name)

    # unfold matches the action by the decorated function's name: set it before decorating.
    view.__name__ = view.__qualname__ = f"detail_{name}"
    return action(description=label, url_path=name, permissions=[name], icon=icon, variant=variant)(view)


def _bulk_action(name, label, *, with_reason=False):
    """One transition applied to the orders ticked in the list (refusals reported by number)."""

    def run(self, request, queryset):
        if with_reason:
            return self._bulk_with_reason(request, queryset, name)
        return self._bulk(request, queryset, name)

    run.__name__ = run.__qualname__ = f"bulk_{name}"
    return action(description=label, permissions=[name])(run)


@admin.register(Order)
class OrderAdmin(ShopScopedAdminMixin, BusinessAdmin):
    list_display = [
        "number",
        "created_at",
        "pizzeria",
        "customer_display",
        "channel",
        "fulfilment",
        "status_badge",
        "payment_status",
        "total",
    ]
    list_filter = ["status", "payment_status", "channel", "fulfilment", "pizzeria"]
    search_fields = ["number", "customer__email", "customer_name", "customer_phone", "delivery_line"]
    list_select_related = ["pizzeria", "customer"]
    date_hierarchy = "created_at"
    inlines = [OrderLineInline, PaymentInline]
    # Status, money and shop change only through the workflow: the form edits contact details.
    readonly_fields = [
        "number",
        "pizzeria",
        "channel",
        "fulfilment",
        "status",
        "customer",
        "customer_name",
        "customer_email",
        "delivery_line",
        "delivery_postcode",
        "delivery_city",
        "payment_method",
        "payment_status",
        "total",
        "amount_paid",
        "amount_refunded",
        "collected_amount",
        "collected_method",
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
    actions = [
        "bulk_accept",
        "bulk_finish",
        "bulk_take",
        "bulk_deliver",
        "bulk_refuse",
        "bulk_cancel",
    ]
    actions_list = ["phone_order"]
    actions_detail = [
        "detail_accept",
        "detail_refuse",
        "detail_finish",
        "detail_take",
        "detail_deliver",
        "detail_cancel",
    ]

    # --- permissions: the transitions table, per order when there is one -------------------

    def has_add_permission(self, request):
        return False  # orders are created by place_order (site, or "Saisir une commande")

    def has_delete_permission(self, request, obj=None):
        return False  # an order is cancelled, never deleted (payments and ledger point at it)

    def _order_for(self, request, object_id):
        cache = request.__dict__.setdefault("_ocpizza_orders", {})
        key = str(object_id)
        if key not in cache:
            cache[key] = self.get_queryset(request).filter(pk=object_id).first() if key.isdigit() else None
        return cache[key]

    def _may(self, request, name, object_id=None):
        if object_id is not None:
            order = self._order_for(request, object_id)
            return order is not None and workflow.is_allowed(order, name, request.user)
        # Without an order (bulk list): the user holds a role that may do it somewhere.
        actors = {"manager", "pizzaiolo", "driver"} if is_head_office(request.user) else roles_of(request.user)
        return any(t.action == name and actors & set(t.actors) for t in workflow.TRANSITIONS)

    def has_accept_permission(self, request, object_id=None):
        return self._may(request, "accept", object_id)

    def has_refuse_permission(self, request, object_id=None):
        return self._may(request, "refuse", object_id)

    def has_finish_permission(self, request, object_id=None):
        return self._may(request, "finish", object_id)

    def has_take_permission(self, request, object_id=None):
        return self._may(request, "take", object_id)

    def has_deliver_permission(self, request, object_id=None):
        return self._may(request, "deliver", object_id)

    def has_cancel_permission(self, request, object_id=None):
        return self._may(request, "cancel", object_id)

    def has_phone_order_permission(self, request, object_id=None):
        return selectors.queue_pizzerias(request.user, selectors.KITCHEN_ROLES).exists()

    # --- list ----------------------------------------------------------------------------

    @display(description=_("client"))
    def customer_display(self, obj):
        return obj.customer_display

    @display(description=_("statut"), ordering="status", label={k.value: v for k, v in STATUS_COLOURS.items()})
    def status_badge(self, obj):
        return obj.status, obj.get_status_display()

    def get_list_display(self, request):
        def next_steps(obj):
            """The buttons this user may press on this row now (same URLs as the order page's)."""
            names = workflow.allowed_actions(obj, request.user)
            back = quote(request.get_full_path())
            return format_html_join(
                " ",
                '<a class="inline-block border rounded px-2 py-1 text-xs font-medium mr-1 mb-1" href="{}?next={}">{}</a>',
                (
                    (reverse(f"admin:order_order_detail_{name}", args=[obj.pk]), back, ACTION_LABELS[name])
                    for name in dict.fromkeys(names)
                ),
            )

        next_steps.short_description = _("étapes possibles")
        return [*super().get_list_display(request), next_steps]

    # --- one transition on one order (row and page buttons) --------------------------------

    def _transition_view(self, request, object_id, name):
        order = self._order_for(request, object_id)
        if order is None:
            raise Http404
        change_url = reverse("admin:order_order_change", args=[order.pk])
        form = TransitionForm(request.POST or None, order=order, action=name)
        if request.method == "POST" and form.is_valid():
            try:
                run_transition(order, name, by=request.user, **form.service_kwargs())
            except ValidationError as exc:
                for field, errors in getattr(exc, "error_dict", {}).items():
                    field = form.SERVICE_FIELDS.get(field, field)  # the service's names for the form's fields
                    form.add_error(field if field in form.fields else None, errors)
                if not hasattr(exc, "error_dict"):
                    form.add_error(None, exc)
            except WORKFLOW_ERRORS as exc:
                self.message_user(request, error_message(exc), messages.ERROR)
                return _redirect_back(request, change_url)
            else:
                self.message_user(
                    request,
                    _("Commande %(number)s : %(status)s.") % {"number": order.number, "status": order.get_status_display()},
                    messages.SUCCESS,
                )
                return _redirect_back(request, change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("%(action)s la commande %(number)s") % {"action": ACTION_LABELS[name], "number": order.number},
            "order": order,
            "form": form,
            "action_label": ACTION_LABELS[name],
            "next": request.GET.get("next") or request.POST.get("next") or "",
            "change_url": change_url,
            "danger": name in ("refuse", "cancel"),
        }
        return TemplateResponse(request, "admin/order/order/transition.html", context)

    detail_accept = _detail_action("accept", _("Accepter"), "skillet", ActionVariant.PRIMARY)
    detail_refuse = _detail_action("refuse", _("Refuser"), "block", ActionVariant.DANGER)
    detail_finish = _detail_action("finish", _("Terminer"), "check_circle", ActionVariant.PRIMARY)
    detail_take = _detail_action("take", _("Prendre en livraison"), "two_wheeler", ActionVariant.PRIMARY)
    detail_deliver = _detail_action("deliver", _("Livrée / remise"), "where_to_vote", ActionVariant.SUCCESS)
    detail_cancel = _detail_action("cancel", _("Annuler"), "cancel", ActionVariant.DANGER)

    # --- bulk actions on the list --------------------------------------------------------

    def _bulk(self, request, queryset, name, **kwargs):
        done, refused = [], []
        for order in queryset.order_by("created_at", "pk"):
            try:
                run_transition(order, name, by=request.user, **kwargs)
            except WORKFLOW_ERRORS as exc:
                refused.append(f"{order.number} : {error_message(exc)}")
            else:
                done.append(order.number)
        if done:
            self.message_user(
                request,
                ngettext(
                    "%(count)d commande passée à l'étape « %(action)s » : %(numbers)s.",
                    "%(count)d commandes passées à l'étape « %(action)s » : %(numbers)s.",
                    len(done),
                )
                % {"count": len(done), "action": ACTION_LABELS[name], "numbers": ", ".join(done)},
                messages.SUCCESS,
            )
        for line in refused:
            self.message_user(request, _("Refusée — %(detail)s") % {"detail": line}, messages.ERROR)

    def _bulk_with_reason(self, request, queryset, name):
        reason = (request.POST.get("reason") or "").strip()
        if request.POST.get("confirm_reason"):
            if reason or name == "cancel":
                self._bulk(request, queryset, name, reason=reason)
                return None
            self.message_user(request, _("Indiquez un motif."), messages.ERROR)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("%(action)s %(count)d commande(s)") % {"action": ACTION_LABELS[name], "count": queryset.count()},
            "orders": queryset.select_related("pizzeria"),
            "action_name": f"bulk_{name}",
            "action_label": ACTION_LABELS[name],
            "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
            "reason": reason,
            "reason_required": name == "refuse",
        }
        return TemplateResponse(request, "admin/order/order/bulk_reason.html", context)

    bulk_accept = _bulk_action("accept", _("Accepter les commandes choisies (prend le stock)"))
    bulk_finish = _bulk_action("finish", _("Terminer les commandes choisies"))
    bulk_take = _bulk_action("take", _("Prendre en livraison les commandes choisies"))
    bulk_deliver = _bulk_action("deliver", _("Marquer livrées les commandes choisies (déjà payées)"))
    bulk_refuse = _bulk_action("refuse", _("Refuser les commandes choisies…"), with_reason=True)
    bulk_cancel = _bulk_action("cancel", _("Annuler les commandes choisies…"), with_reason=True)

    # --- phone and counter orders (F-ORD-6) ------------------------------------------------

    @action(description=_("Saisir une commande (téléphone, comptoir)"), url_path="new", permissions=["phone_order"],
            icon="add_call", variant=ActionVariant.PRIMARY)
    def phone_order(self, request):
        from pizzeria.delivery import check_delivery_address
        from product.models import Product

        shops = selectors.queue_pizzerias(request.user, selectors.KITCHEN_ROLES).exclude(status="opening_soon")
        products = Product.objects.filter(is_active=True).order_by("category", "name")
        form = StaffOrderForm(request.POST or None, pizzerias=shops, products=products)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            customer = data["customer"]
            address = None
            try:
                if data["fulfilment"] == Order.Fulfilment.DELIVERY:
                    address = self._staff_address(data)
                    address["latitude"], address["longitude"] = check_delivery_address(
                        pizzeria=data["pizzeria"], line=address["line"], postcode=address["postcode"],
                        city=address["city"],
                    )
                order = place_order(
                    pizzeria=data["pizzeria"],
                    customer=customer,
                    lines=data["lines"],
                    fulfilment=data["fulfilment"],
                    payment_method=Order.PaymentMethod.ON_DELIVERY,
                    channel=data["channel"],
                    address=address,
                    by=request.user,
                    contact={"name": data["contact_name"], "phone": data["contact_phone"], "email": data["contact_email"]},
                    note=data["note"],
                )
            except ValidationError as exc:
                fields = {"line": "line", "postcode": "postcode", "city": "city", "delivery_line": "line",
                          "delivery_postcode": "postcode", "delivery_city": "city", "customer_phone": "contact_phone",
                          "customer_name": "contact_name"}
                if hasattr(exc, "error_dict"):
                    for field, errors in exc.error_dict.items():
                        form.add_error(fields.get(field), errors)
                else:
                    form.add_error(None, exc)
            else:
                self.message_user(
                    request,
                    _("Commande %(number)s enregistrée pour %(customer)s : %(total)s €, envoyée en cuisine.")
                    % {"number": order.number, "customer": order.customer_display, "total": order.total},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:order_order_change", args=[order.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Saisir une commande"),
            "form": form,
        }
        return TemplateResponse(request, "admin/order/order/staff_order.html", context)

    @staticmethod
    def _staff_address(data):
        """The address typed, or else the one this pizzeria last delivered to under this phone
        number (issue 13 M5): never the customer's own address book, never another shop's order."""
        if data.get("line"):
            return {"line": data.get("line", ""), "postcode": data.get("postcode", ""), "city": data.get("city", "")}
        earlier = None
        if data.get("previous") is not None:
            earlier = selectors.previous_phone_order(pizzeria=data["pizzeria"], phone=data["contact_phone"], delivered=True)
        if earlier is None:
            raise ValidationError({"line": _("Saisissez l'adresse de livraison.")})
        return {"line": earlier.delivery_line, "postcode": earlier.delivery_postcode, "city": earlier.delivery_city}

    # --- kitchen and driver queues (F-OM-1, F-OM-4) ----------------------------------------

    def get_urls(self):
        queues = [
            path("kitchen/", self.admin_site.admin_view(self.queue_view), {"kind": "kitchen"}, name="order_kitchen"),
            path("kitchen/list/", self.admin_site.admin_view(self.queue_partial), {"kind": "kitchen"},
                 name="order_kitchen_partial"),
            path("drivers/", self.admin_site.admin_view(self.queue_view), {"kind": "drivers"}, name="order_drivers"),
            path("drivers/list/", self.admin_site.admin_view(self.queue_partial), {"kind": "drivers"},
                 name="order_drivers_partial"),
            path("queue/<int:order_id>/<str:name>/", self.admin_site.admin_view(require_POST(self.queue_act)),
                 name="order_queue_act"),
        ]
        return queues + super().get_urls()

    QUEUES = {
        "kitchen": (selectors.KITCHEN_ROLES, _("Cuisine"), "order_kitchen"),
        "drivers": (selectors.DRIVER_ROLES, _("Livraisons"), "order_drivers"),
    }

    def _queue_context(self, request, kind):
        roles, title, url_name = self.QUEUES[kind]
        shops = list(selectors.queue_pizzerias(request.user, roles))
        if not shops:
            raise PermissionDenied
        wanted = request.GET.get("shop")
        shop = next((s for s in shops if s.slug == wanted), shops[0])
        if kind == "kitchen":
            orders = selectors.kitchen_queue(pizzeria=shop)
        else:
            orders = selectors.driver_queue(pizzeria=shop, user=request.user)
        cards = [
            {
                "order": order,
                "actions": [a for a in dict.fromkeys(workflow.allowed_actions(order, request.user)) if a not in ("confirm", "cancel")],
                "needs_collection": needs_collection(order),
                "failed_payment": order.payment_status == Order.PaymentStatus.FAILED,
            }
            for order in orders
        ]
        return {
            "kind": kind,
            "queue_title": title,
            "shops": shops,
            "shop": shop,
            "cards": cards,
            "signature": selectors.queue_signature(orders),
            "page_url": reverse(f"admin:{url_name}"),
            "partial_url": reverse(f"admin:{url_name}_partial") + f"?shop={shop.slug}",
            "collection_methods": Order.CollectionMethod.choices,
            "can_add_reminder": request.user.has_perm("product.add_reminder"),
        }

    def queue_view(self, request, kind):
        context = {
            **self.admin_site.each_context(request),
            **self._queue_context(request, kind),
            "opts": self.model._meta,
        }
        context["title"] = f"{context['queue_title']} — {context['shop']}"
        return TemplateResponse(request, "admin/order/queue.html", context)

    def queue_partial(self, request, kind):
        """The list alone, polled by the page every few seconds (no full reload)."""
        return TemplateResponse(request, "admin/order/_queue_list.html", self._queue_context(request, kind))

    def queue_act(self, request, order_id, name):
        """A button of a queue: one transition, or a failed card payment at the door."""
        order = get_object_or_404(self.get_queryset(request), pk=order_id)
        kind = request.POST.get("kind") if request.POST.get("kind") in self.QUEUES else "kitchen"
        back = reverse(f"admin:{self.QUEUES[kind][2]}") + f"?shop={order.pizzeria.slug}"
        try:
            if name == "card_failed":
                record_failed_collection(order, by=request.user, message=request.POST.get("message", ""))
                self.message_user(
                    request,
                    _("Commande %(number)s : carte refusée, réessayez ou encaissez autrement.") % {"number": order.number},
                    messages.WARNING,
                )
            elif name in workflow.ACTIONS:
                run_transition(
                    order, name, by=request.user,
                    reason=request.POST.get("reason", ""),
                    collected=request.POST.get("collected") or None,
                    method=request.POST.get("method") or None,
                )
                self.message_user(
                    request,
                    _("Commande %(number)s : %(status)s.") % {"number": order.number, "status": order.get_status_display()},
                    messages.SUCCESS,
                )
            else:
                raise Http404
        except WORKFLOW_ERRORS as exc:
            self.message_user(request, error_message(exc), messages.ERROR)
        return HttpResponseRedirect(back)


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
    list_display = ["received_at", "type", "event_id", "order", "flagged", "note", "processed_at"]
    list_filter = ["type", "flagged"]
    search_fields = ["event_id", "order__number"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # the record of what Stripe sent is append-only, like the stock ledger
