"""The one table of allowed order transitions.

Services (order.services), admin buttons and actions (order.admin), the kitchen and driver
queues and the documentation (docs/order-workflow.md) all read TRANSITIONS: a status change
that is not in this table does not happen anywhere.

Who may act is a set of *actors*:
- "customer": the order's own customer account;
- "system": no user (the Stripe webhook, a scheduled job);
- "manager", "pizzaiolo", "driver": a staff role held in the order's pizzeria.
Head office may do whatever a manager may do, in every pizzeria.

The payment invariant lives here too: a row marked `needs_payment` (confirm, accept, finish,
take, deliver) moves a card order only when the money received for it, net of refunds, covers
its total (order.money.covers_total, read from the Payment rows under the order's row lock
that every service holds). No service checks payment on its own.
"""
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from account.roles import has_role, is_head_office
from ocpizza.business import BusinessError
from order import money
from order.models import Order
from pizzeria.models import StaffMembership

S = Order.Status
CUSTOMER = "customer"
SYSTEM = "system"
MANAGER = StaffMembership.Role.MANAGER.value
PIZZAIOLO = StaffMembership.Role.PIZZAIOLO.value
DRIVER = StaffMembership.Role.DRIVER.value
STAFF_ROLES = (MANAGER, PIZZAIOLO, DRIVER)


class TransitionNotAllowed(BusinessError):
    """A status change refused by the table (wrong status, wrong role or wrong kind of order).

    `str(exc)` is a French sentence for the user; nothing was changed.
    """

    def __init__(self, message, *, order=None, action=None):
        super().__init__(message)
        self.order = order
        self.action = action


@dataclass(frozen=True)
class Transition:
    action: str  # service name without "_order": accept, refuse, ...
    sources: tuple  # statuses it may start from
    target: str
    actors: tuple  # see module docstring
    label: object  # button text
    fulfilment: str | None = None  # only for this kind of order (None: both)
    needs_reason: bool = False
    # Hands the order to the kitchen, the driver or the counter: a card order must be paid.
    needs_payment: bool = False


TRANSITIONS = (
    # Stripe said the card payment succeeded: only the payment code confirms (no person may
    # send an unpaid card order to the kitchen).
    Transition("confirm", (S.AWAITING_CONFIRMATION,), S.TO_PREPARE, (SYSTEM,), _("Confirmer"), needs_payment=True),
    Transition("accept", (S.TO_PREPARE,), S.IN_PREPARATION, (PIZZAIOLO, MANAGER), _("Accepter"), needs_payment=True),
    Transition("refuse", (S.TO_PREPARE,), S.REFUSED, (PIZZAIOLO, MANAGER), _("Refuser"), needs_reason=True),
    Transition("finish", (S.IN_PREPARATION,), S.READY, (PIZZAIOLO, MANAGER), _("Terminer"), needs_payment=True),
    Transition(
        "take", (S.READY,), S.OUT_FOR_DELIVERY, (DRIVER, MANAGER), _("Prendre en livraison"),
        fulfilment=Order.Fulfilment.DELIVERY, needs_payment=True,
    ),
    Transition(
        "deliver", (S.OUT_FOR_DELIVERY,), S.DELIVERED, (DRIVER, MANAGER), _("Livrée"),
        fulfilment=Order.Fulfilment.DELIVERY, needs_payment=True,
    ),
    # A pickup order is handed over at the counter by the kitchen.
    Transition(
        "deliver", (S.READY,), S.DELIVERED, (PIZZAIOLO, MANAGER), _("Remise au client"),
        fulfilment=Order.Fulfilment.PICKUP, needs_payment=True,
    ),
    # Before the kitchen accepts: the customer, the system (payment abandoned) or the shop.
    Transition(
        "cancel", (S.AWAITING_CONFIRMATION, S.TO_PREPARE), S.CANCELLED, (CUSTOMER, SYSTEM, PIZZAIOLO, MANAGER),
        _("Annuler"),
    ),
    # After acceptance only a manager may cancel (the ingredients are used: see stock return rule).
    Transition(
        "cancel", (S.IN_PREPARATION, S.READY, S.OUT_FOR_DELIVERY), S.CANCELLED, (MANAGER,),
        _("Annuler"), needs_reason=True,
    ),
)

ACTIONS = tuple(dict.fromkeys(t.action for t in TRANSITIONS))


def needs_reason(order, action):
    """Whether `action` on `order` now needs a reason (the rows' `needs_reason`): refusing
    always, cancelling once the kitchen has accepted. Services, forms and admin read this."""
    return any(t.needs_reason for t in transitions_from(order, action))


def always_needs_reason(action):
    """Whether every row of `action` needs a reason (a bulk action asks for it up front)."""
    return all(t.needs_reason for t in TRANSITIONS if t.action == action)


def actors_of(user, order):
    """The actors `user` (None for the system) is for `order`."""
    if user is None:
        return {SYSTEM}
    actors = set()
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return actors
    if order.customer_id and order.customer_id == user.pk:
        actors.add(CUSTOMER)
    if is_head_office(user):
        actors.update(STAFF_ROLES)
    else:
        actors.update(role for role in STAFF_ROLES if has_role(user, order.pizzeria_id, role))
    return actors


def transitions_from(order, action=None):
    """Table rows that start from the order's current status (and suit its fulfilment)."""
    return [
        t for t in TRANSITIONS
        if order.status in t.sources
        and (t.fulfilment is None or t.fulfilment == order.fulfilment)
        and (action is None or t.action == action)
    ]


def find_transition(order, action, user):
    """The row allowing `user` to do `action` on `order` now, or TransitionNotAllowed saying why."""
    candidates = transitions_from(order, action)
    if not candidates:
        verb = next((t.label for t in TRANSITIONS if t.action == action), action)
        raise TransitionNotAllowed(
            _("Impossible de faire « %(action)s » sur la commande %(number)s : elle est « %(status)s ».")
            % {"action": verb, "number": order.number, "status": order.get_status_display()},
            order=order, action=action,
        )
    actors = actors_of(user, order)
    for transition in candidates:
        if actors & set(transition.actors):
            if not is_paid_for(order, transition):
                raise TransitionNotAllowed(
                    _(
                        "La commande %(number)s n'est pas payée en totalité (%(received)s € reçus pour un total de "
                        "%(total)s €) : impossible de faire « %(action)s »."
                    )
                    % {
                        "number": order.number,
                        "received": money.euros(money.net_received(order)),
                        "total": money.euros(order.total),
                        "action": transition.label,
                    },
                    order=order, action=action,
                )
            return transition
    raise TransitionNotAllowed(
        _("Vous n'avez pas le rôle nécessaire pour « %(action)s » la commande %(number)s dans cette pizzeria.")
        % {"action": candidates[0].label, "number": order.number},
        order=order, action=action,
    )


def is_paid_for(order, transition):
    """The payment invariant for one row: a card order moves through a `needs_payment` row only
    if the money received for it covers its total (the one check; see module docstring)."""
    if not transition.needs_payment or order.payment_method != Order.PaymentMethod.CARD_ONLINE:
        return True
    return money.covers_total(order)


def allowed_actions(order, user):
    """Actions `user` may do on `order` now, in table order (for buttons and queues)."""
    actors = actors_of(user, order)
    return [t.action for t in transitions_from(order) if actors & set(t.actors) and is_paid_for(order, t)]


def is_allowed(order, action, user):
    return action in allowed_actions(order, user)


ACTOR_LABELS = {
    CUSTOMER: "customer (own order)",
    SYSTEM: "system (by=None: Stripe webhook)",
    MANAGER: "manager / head office",
    PIZZAIOLO: "pizzaiolo",
    DRIVER: "driver",
}


def markdown_table():
    """The table as docs/order-workflow.md shows it (a test keeps the two identical)."""
    rows = [
        "| action | from | to | who | orders |",
        "|---|---|---|---|---|",
    ]
    for t in TRANSITIONS:
        rows.append(
            "| `{}_order` | {} | {} | {} | {} |".format(
                t.action,
                ", ".join(f"`{s}`" for s in t.sources),
                f"`{t.target}`",
                ", ".join(ACTOR_LABELS[a] for a in t.actors),
                t.fulfilment or "all",
            )
        )
    return "\n".join(rows)
