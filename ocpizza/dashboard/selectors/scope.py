"""Which shops' figures a user may read on the dashboard."""
from account.roles import is_head_office, pizzerias_of
from pizzeria.models import Pizzeria, StaffMembership


def dashboard_pizzerias(user):
    """The shops whose figures `user` may read: all for head office, else those they manage."""
    if is_head_office(user):
        return Pizzeria.objects.order_by("name")
    return Pizzeria.objects.filter(pk__in=pizzerias_of(user, StaffMembership.Role.MANAGER)).order_by("name")
