"""Order rules that screens, forms, services and the admin all read (issue 15: one place per rule).

The transitions themselves (who may do what from which status, which moves need a reason or
a payment) are the table in order.workflow; the rules here are the ones around it.
"""
from decimal import Decimal

from order.models import Order
from pizzeria.models import StaffMembership

S = Order.Status
Role = StaffMembership.Role

# Quantity of one product on one order. Two rules, on purpose: a customer's cart (and a
# change of a web order) stops at 20 of a product; the shop may type up to 50 (a phone order
# for a party), and no order of any channel holds more (place_order checks it).
MAX_LINE_QUANTITY = 50
MAX_WEB_LINE_QUANTITY = 20

# Statuses after which nothing happens to an order any more.
FINAL_STATUSES = (S.DELIVERED, S.CANCELLED, S.REFUSED)
# Ended without a sale: money received for such an order is owed back.
CLOSED_UNSOLD = (S.CANCELLED, S.REFUSED)
# Accepted by the kitchen: the ingredients are used (a cancellation needs a reason, a manager).
ACCEPTED_STATUSES = (S.IN_PREPARATION, S.READY, S.OUT_FOR_DELIVERY)

# The queues: what the kitchen and the drivers see (order.selectors, dashboard links).
KITCHEN_STATUSES = (S.TO_PREPARE, S.IN_PREPARATION, S.READY)
DRIVER_STATUSES = (S.READY, S.OUT_FOR_DELIVERY)

# Who may type a phone or counter order, and correct a shop's stock.
SHOP_DESK_ROLES = (Role.MANAGER, Role.PIZZAIOLO)

# Cash the driver may take above the total and give back as change: a 200 € note for a small
# order is plausible, 2 950 € for a 29,50 € order is a typo (issue 13 M4, docs/order-workflow.md).
CASH_CHANGE_MARGIN = Decimal("500.00")


def collects_at_door(order) -> bool:
    """The driver or the counter takes the money (cash or card terminal) when handing it over."""
    return order.payment_method == Order.PaymentMethod.ON_DELIVERY and order.payment_status in (
        Order.PaymentStatus.TO_PAY_ON_DELIVERY,
        Order.PaymentStatus.FAILED,
    )


def may_restock(order) -> bool:
    """A cancelled order's ingredients may go back only while it is in preparation (the
    stock return rule, docs/order-workflow.md); before that nothing was taken."""
    return order.status == S.IN_PREPARATION
