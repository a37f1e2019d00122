"""The workflow's buttons on the order page and in the list, and its bulk actions, all built
from order.workflow.TRANSITIONS: every action a staff role may do gets a `detail_<action>`
button, a `bulk_<action>` action and a `has_<action>_permission`, and runs through
order.services.run_transition. A new row in the table needs nothing here (ACTION_STYLE only
gives known actions their icon and wording).
"""
from urllib.parse import quote

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _, ngettext
from unfold.decorators import action
from unfold.enums import ActionVariant

from account.roles import is_head_office, roles_of
from ocpizza.business import add_to_form, message_of
from order import workflow
from order.admin_forms import TransitionForm
from order.services import WORKFLOW_ERRORS, run_transition

ACTION_LABELS = {t.action: t.label for t in reversed(workflow.TRANSITIONS)}
ACTION_LABELS["deliver"] = _("Livrée / remise")

# The actions people press (confirm is the payment code's own), in table order.
STAFF_ACTIONS = tuple(
    name for name in workflow.ACTIONS
    if any(t.action == name and set(t.actors) & set(workflow.STAFF_ROLES) for t in workflow.TRANSITIONS)
)
# Icon, button colour and bulk wording of the known actions; a new action gets the defaults.
ACTION_STYLE = {
    "accept": ("skillet", ActionVariant.PRIMARY, _("Accepter les commandes choisies (prend le stock)")),
    "refuse": ("block", ActionVariant.DANGER, _("Refuser les commandes choisies…")),
    "finish": ("check_circle", ActionVariant.PRIMARY, _("Terminer les commandes choisies")),
    "take": ("two_wheeler", ActionVariant.PRIMARY, _("Prendre en livraison les commandes choisies")),
    "deliver": ("where_to_vote", ActionVariant.SUCCESS, _("Marquer livrées les commandes choisies (déjà payées)")),
    "cancel": ("cancel", ActionVariant.DANGER, _("Annuler les commandes choisies…")),
}
DANGER_ACTIONS = {name for name, style in ACTION_STYLE.items() if style[1] == ActionVariant.DANGER}


def _style(name):
    return ACTION_STYLE.get(name) or ("arrow_forward", ActionVariant.PRIMARY, ACTION_LABELS[name])


def _asks_reason(name):
    """A bulk action asks for a reason first when any row of its action may need one."""
    return any(t.needs_reason for t in workflow.TRANSITIONS if t.action == name)


def redirect_back(request, default):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return HttpResponseRedirect(target)
    return HttpResponseRedirect(default)


def _detail_action(name):
    """The button of one transition on the order page."""

    def view(self, request, object_id):
        return self._transition_view(request, object_id, name)

    # unfold matches the action by the decorated function's name: set it before decorating.
    view.__name__ = view.__qualname__ = f"detail_{name}"
    icon, variant, _bulk_label = _style(name)
    return action(description=ACTION_LABELS[name], url_path=name, permissions=[name], icon=icon, variant=variant)(view)


def _bulk_action(name):
    """One transition applied to the orders ticked in the list (refusals reported by number)."""

    def run(self, request, queryset):
        if _asks_reason(name):
            return self._bulk_with_reason(request, queryset, name)
        return self._bulk(request, queryset, name)

    run.__name__ = run.__qualname__ = f"bulk_{name}"
    return action(description=_style(name)[2], permissions=[name])(run)


def _permission(name):
    def has_permission(self, request, object_id=None):
        return self._may(request, name, object_id)

    has_permission.__name__ = f"has_{name}_permission"
    return has_permission


class TransitionActionsMixin:
    """Buttons, bulk actions and permissions of OrderAdmin, from the transitions table."""

    actions = [f"bulk_{name}" for name in sorted(STAFF_ACTIONS, key=_asks_reason)]
    actions_detail = [f"detail_{name}" for name in STAFF_ACTIONS]

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
        actors = set(workflow.STAFF_ROLES) if is_head_office(request.user) else roles_of(request.user)
        return any(t.action == name and actors & set(t.actors) for t in workflow.TRANSITIONS)

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

        next_steps.short_description = _("étapes")
        return [*super().get_list_display(request), next_steps]

    def _transition_view(self, request, object_id, name):
        order = self._order_for(request, object_id)
        if order is None:
            raise Http404
        change_url = reverse("admin:order_order_change", args=[order.pk])
        form = TransitionForm(request.POST or None, order=order, action=name)
        if request.method == "POST" and form.is_valid():
            try:
                run_transition(order, name, by=request.user, **form.service_kwargs())
            except WORKFLOW_ERRORS as exc:
                if not isinstance(exc, ValidationError):  # a refusal of the workflow, not of a typed value
                    self.message_user(request, message_of(exc), messages.ERROR)
                    return redirect_back(request, change_url)
                add_to_form(form, exc, fields=form.SERVICE_FIELDS)
            else:
                self.message_user(
                    request,
                    _("Commande %(number)s : %(status)s.") % {"number": order.number, "status": order.get_status_display()},
                    messages.SUCCESS,
                )
                return redirect_back(request, change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("%(action)s la commande %(number)s") % {"action": ACTION_LABELS[name], "number": order.number},
            "order": order,
            "form": form,
            "action_label": ACTION_LABELS[name],
            "next": request.GET.get("next") or request.POST.get("next") or "",
            "change_url": change_url,
            "danger": name in DANGER_ACTIONS,
        }
        return TemplateResponse(request, "admin/order/order/transition.html", context)

    def _bulk(self, request, queryset, name, **details):
        done, refused = [], []
        for order in queryset.order_by("created_at", "pk"):
            try:
                run_transition(order, name, by=request.user, **details)
            except WORKFLOW_ERRORS as exc:
                refused.append(f"{order.number} : {message_of(exc)}")
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
        required = workflow.always_needs_reason(name)
        if request.POST.get("confirm_reason"):
            if reason or not required:
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
            "reason_required": required,
        }
        return TemplateResponse(request, "admin/order/order/bulk_reason.html", context)


for _name in STAFF_ACTIONS:
    setattr(TransitionActionsMixin, f"detail_{_name}", _detail_action(_name))
    setattr(TransitionActionsMixin, f"bulk_{_name}", _bulk_action(_name))
    setattr(TransitionActionsMixin, f"has_{_name}_permission", _permission(_name))
