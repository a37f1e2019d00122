"""The kitchen and driver queues (F-OM-1, F-OM-4): cards with the buttons allowed now,
polled by the page every few seconds.

Issue 17: the kitchen queue is ordered by the time each order must be ready, shows orders due
later apart, rings for orders nobody has acknowledged (order.kitchen), prints the ticket and
bag label once on acceptance (a hidden frame opens the browser's print on the 80 mm page) and
on demand; the manager pauses orders from it. Late and nearly late orders are coloured.
"""
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from account import session_user
from account.roles import has_role, is_head_office, pizzerias_of
from ocpizza.business import message_of
from order import freshness, kitchen, promise, rules, selectors, workflow
from order.models import Order, OrderPrint
from order.services import WORKFLOW_ERRORS, record_failed_collection, run_transition
from order.tickets import qr_svg
from pizzeria.hours import PAUSE_MINUTES
from pizzeria.models import Pizzeria
from pizzeria.slots import pause_orders, resume_orders

PRINT_KEY = "ocpizza_print"  # session: the order whose ticket the kitchen page prints next


def clock_minute():
    """The current minute: a queue's cards say how late an order is, to the minute."""
    return timezone.now().replace(second=0, microsecond=0).isoformat()


class QueuesMixin:
    def get_urls(self):
        queues = [
            path("kitchen/", self.admin_site.admin_view(self.queue_view), {"kind": "kitchen"}, name="order_kitchen"),
            path("kitchen/list/", self.queue_refresh(), {"kind": "kitchen"}, name="order_kitchen_partial"),
            path("drivers/", self.admin_site.admin_view(self.queue_view), {"kind": "drivers"}, name="order_drivers"),
            path("drivers/list/", self.queue_refresh(), {"kind": "drivers"}, name="order_drivers_partial"),
            path("queue/<int:order_id>/<str:name>/", self.admin_site.admin_view(require_POST(self.queue_act)),
                 name="order_queue_act"),
            path("kitchen/pause/", self.admin_site.admin_view(require_POST(self.pause_view)), name="order_kitchen_pause"),
            path("kitchen/alerts/", self.admin_site.admin_view(self.alerts_view), name="order_kitchen_alerts"),
            # Printed from a hidden frame of the kitchen page: framing by the same site only.
            path("<int:order_id>/ticket/", self.admin_site.admin_view(xframe_options_sameorigin(self.ticket_view)),
                 name="order_ticket"),
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
        now = timezone.now()
        cards = [
            {
                "order": order,
                "actions": [a for a in dict.fromkeys(workflow.allowed_actions(order, request.user)) if a not in ("confirm", "cancel")],
                "needs_collection": rules.collects_at_door(order),
                "failed_payment": order.payment_status == Order.PaymentStatus.FAILED,
                # The kitchen is late once the order should be ready, the driver once it should be there.
                "due": order.ready_by if kind == "kitchen" else order.promised_at,
                "lateness": promise.lateness(order.ready_by if kind == "kitchen" else order.promised_at, now),
                "ringing": kind == "kitchen" and order.status == Order.Status.TO_PREPARE and order.acknowledged_at is None,
                "future": kind == "kitchen" and order.ready_by is not None and order.ready_by > now + promise.FUTURE_AFTER,
            }
            for order in orders
        ]
        paused = shop.paused_until if shop.paused_until and shop.paused_until > now else None
        return {
            "kind": kind,
            "queue_title": title,
            "shops": shops,
            "shop": shop,
            "cards": [card for card in cards if not card["future"]],
            "future_cards": [card for card in cards if card["future"]],
            "ringing": sum(1 for card in cards if card["ringing"]),
            "paused_until": paused,
            "can_pause": kind == "kitchen" and has_role(request.user, shop, rules.Role.MANAGER),
            "pause_minutes": PAUSE_MINUTES,
            "signature": selectors.queue_signature(
                orders, "".join(f"{c['lateness']}{c['future']:d}" for c in cards) + str(paused)
            ),
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
        # Printed once: the order to print leaves the session as the page that prints it is built.
        to_print = request.session.pop(PRINT_KEY, None)
        if to_print and kind == "kitchen":
            context["print_url"] = reverse("admin:order_ticket", args=[to_print["order"]]) + "?print=1&kinds=" + ",".join(
                to_print["kinds"]
            )
        context["title"] = f"{context['queue_title']} — {context['shop']}"
        return TemplateResponse(request, "admin/order/queue.html", context)

    def queue_refresh(self):
        """The refresh's view: the 304 check first, before the admin's machinery (login, the
        admin site's context, the shop list); the full list through the admin as any page."""
        full = self.admin_site.admin_view(self.queue_partial)

        def refresh(request, kind):
            response = self._queue_not_modified(request, kind)
            return full(request, kind=kind) if response is None else response

        return refresh

    @staticmethod
    def _queue_version(kind, shop_id, tokens):
        # The cards also change with the clock (late, due later, issue 17): the minute is part of
        # the version, so a list is rebuilt once a minute. `tokens` change with the shop's orders,
        # the reminders and the shop itself: its pause renews its token (order.freshness).
        return ("queue", kind, shop_id, *tokens, clock_minute())

    def _queue_not_modified(self, request, kind):
        """The 304 of a refresh whose If-None-Match is the ETag of the list this same user was
        last given, for a staff member holding a queue role in the shop asked for, while its
        version is the same: no query. The session, the queue's tokens and the entry of the user
        the ETag names (their session hash, is_staff and the shops whose queues they work,
        order.selectors.queue_access; one query when it is missing) come in one cache round
        trip. None otherwise: the admin view decides (login, 403, head office, another shop) and
        builds the list."""
        slug = request.GET.get("shop")
        if request.method != "GET" or not slug:
            return None
        user_pk = freshness.claimed_user(request)
        if user_pk is None:
            return None
        # Only read, before the login is checked: a missing token is left to the full view.
        token_keys = freshness.queue_token_keys(slug, kind)
        access_key = freshness.queue_access_key(user_pk)
        values = freshness.read_with_session([*token_keys, access_key], request.session)
        if any(key not in values for key in token_keys):
            return None
        session_hash = session_user.session_login(request.session, user_pk)
        if session_hash is None:
            return None
        access = session_user.user_entry(user_pk, access_key, values.get(access_key), selectors.queue_access)
        shop_id = access[kind].get(slug)
        if not access["is_staff"] or shop_id is None or not session_user.same_hash(session_hash, access["hash"]):
            return None
        tokens = tuple(values[key] for key in token_keys)
        tag = freshness.etag(request, *self._queue_version(kind, shop_id, tokens), user_pk=user_pk)
        response = freshness.not_modified(request, tag)
        if response is not None:
            add_never_cache_headers(response)  # as the admin's views
        return response

    def queue_partial(self, request, kind):
        """The list alone, polled by the page every few seconds (no full reload). The page sends
        the ETag of its last answer: while the queue is the same (within the minute), a 304
        without building it (_queue_not_modified answers it before the admin's machinery)."""
        where = self._queue_shop(request, kind)
        shop = where[1]
        version = self._queue_version(kind, shop.pk, freshness.queue_tokens(shop.slug, kind))
        response = freshness.not_modified(request, freshness.etag(request, *version))
        if response is None:
            response = TemplateResponse(request, "admin/order/_queue_list.html", self._queue_context(request, kind, where))
            response.render()  # the list's forms may set the CSRF secret the ETag includes
            response["ETag"] = freshness.etag(request, *version)
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
            elif name == "acknowledge":
                kitchen.acknowledge_order(order, by=request.user)
            elif name == "reprint":
                kinds = request.POST.getlist("kinds") or list(OrderPrint.Kind.values)
                prints = kitchen.reprint(order, by=request.user, kinds=kinds)
                request.session[PRINT_KEY] = {"order": order.pk, "kinds": [p.kind for p in prints]}
            elif name in workflow.ACTIONS:
                run_transition(
                    order, name, by=request.user,
                    reason=request.POST.get("reason", ""),
                    collected=request.POST.get("collected") or None,
                    method=request.POST.get("method") or None,
                )
                if name == "accept" and kind == "kitchen" and kitchen.print_on_acceptance(order, by=request.user):
                    request.session[PRINT_KEY] = {"order": order.pk, "kinds": list(OrderPrint.Kind.values)}
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

    def pause_view(self, request):
        """The manager's pause buttons: 15, 30 or 60 minutes, or take orders again now."""
        shop = get_object_or_404(Pizzeria, slug=request.POST.get("shop", ""))
        back = reverse("admin:order_kitchen") + f"?shop={shop.slug}"
        try:
            if request.POST.get("minutes") == "resume":
                resume_orders(pizzeria=shop, by=request.user)
                self.message_user(request, _("%(shop)s reprend les commandes.") % {"shop": shop}, messages.SUCCESS)
            else:
                pause_orders(pizzeria=shop, minutes=request.POST.get("minutes"), by=request.user)
                self.message_user(
                    request,
                    _("Commandes en pause jusqu'à %(time)s : le site ne propose plus que des créneaux plus tard.")
                    % {"time": timezone.localtime(shop.paused_until).strftime("%H:%M")},
                    messages.WARNING,
                )
        except WORKFLOW_ERRORS as exc:
            self.message_user(request, message_of(exc), messages.ERROR)
        return HttpResponseRedirect(back)

    def alerts_view(self, request):
        """Orders ringing too long in the manager's shops (the dashboard polls this and rings)."""
        managed = pizzerias_of(request.user, rules.Role.MANAGER)
        if not is_head_office(request.user) and not managed:
            raise PermissionDenied
        shops = Pizzeria.objects.all() if is_head_office(request.user) else Pizzeria.objects.filter(pk__in=managed)
        late = selectors.unacknowledged(pizzerias=shops, before=timezone.now() - kitchen.ESCALATE_AFTER)
        return JsonResponse(
            {
                "escalated": [
                    {"number": o.number, "shop": o.pizzeria.name,
                     "url": reverse("admin:order_kitchen") + f"?shop={o.pizzeria.slug}"}
                    for o in late
                ]
            }
        )

    def ticket_view(self, request, order_id):
        """The 80 mm kitchen ticket and bag label of one order (printing is recorded by the
        POST that asks for it: acceptance or a reprint; this page only shows it)."""
        order = get_object_or_404(
            self.get_queryset(request).select_related("pizzeria", "pizzaiolo").prefetch_related(
                "lines__needs__ingredient__unit"
            ),
            pk=order_id,
        )
        if not has_role(request.user, order.pizzeria, *kitchen.KITCHEN_ROLES):
            raise PermissionDenied
        wanted = set(request.GET.get("kinds", "").split(",")) & set(OrderPrint.Kind.values)
        return TemplateResponse(
            request,
            "admin/order/ticket.html",
            {
                "order": order,
                "kinds": sorted(wanted) if wanted else list(OrderPrint.Kind.values),
                "autoprint": request.GET.get("print") == "1",
                "collect": rules.collects_at_door(order),
                "qr_svg": qr_svg(request.build_absolute_uri(reverse("admin:order_order_change", args=[order.pk]))),
            },
        )
