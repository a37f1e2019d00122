"""The kitchen and driver queues (F-OM-1, F-OM-4): cards with the buttons allowed now,
polled by the page every few seconds."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from ocpizza.business import message_of
from order import freshness, rules, selectors, workflow
from order.models import Order
from order.services import WORKFLOW_ERRORS, record_failed_collection, run_transition


class QueuesMixin:
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

    def _queue_shop(self, request, kind):
        """(the shops whose queue the user works, the one asked for); 403 for anyone else."""
        shops = list(selectors.queue_pizzerias(request.user, self.QUEUES[kind][0]))
        if not shops:
            raise PermissionDenied
        wanted = request.GET.get("shop")
        return shops, next((s for s in shops if s.slug == wanted), shops[0])

    def _queue_context(self, request, kind, where=None):
        _roles, title, url_name = self.QUEUES[kind]
        shops, shop = where or self._queue_shop(request, kind)
        if kind == "kitchen":
            orders = selectors.kitchen_queue(pizzeria=shop)
        else:
            orders = selectors.driver_queue(pizzeria=shop, user=request.user)
        cards = [
            {
                "order": order,
                "actions": [a for a in dict.fromkeys(workflow.allowed_actions(order, request.user)) if a not in ("confirm", "cancel")],
                "needs_collection": rules.collects_at_door(order),
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
        """The list alone, polled by the page every few seconds (no full reload). The page sends
        the ETag of its last answer: while the queue is the same, a 304 without building it."""
        where = self._queue_shop(request, kind)
        version = selectors.queue_version(pizzeria=where[1], kind=kind)
        response = freshness.not_modified(request, freshness.etag(request, "queue", kind, where[1].pk, version))
        if response is None:
            response = TemplateResponse(request, "admin/order/_queue_list.html", self._queue_context(request, kind, where))
            response.render()  # the list's forms may set the CSRF secret the ETag includes
            response["ETag"] = freshness.etag(request, "queue", kind, where[1].pk, version)
        return response

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
            self.message_user(request, message_of(exc), messages.ERROR)
        return HttpResponseRedirect(back)
