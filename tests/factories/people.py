"""People: customers (with an address near the default shop), staff with a role in a shop,
head office. Role groups come from the `setup_roles` command, as at release."""
from decimal import Decimal
from io import StringIO

import factory
from django.contrib.auth.models import Group
from django.core.management import call_command
from factory.django import DjangoModelFactory, Password

from account.models import Address, User
from account.roles import HEAD_OFFICE_GROUP
from pizzeria.models import StaffMembership

PASSWORD = "pizza-test-2026"

# A shop near the Bastille and an address 60 m away: inside any zone the factories draw.
SHOP_LATITUDE, SHOP_LONGITUDE = Decimal("48.853400"), Decimal("2.372200")
NEAR_LATITUDE, NEAR_LONGITUDE = Decimal("48.853000"), Decimal("2.372000")


def ensure_role_groups():
    """The head-office and role groups with their permissions, as `manage.py setup_roles`
    creates them at release (RoleBackend reads the role groups' permissions)."""
    if not Group.objects.filter(name=HEAD_OFFICE_GROUP).exists():
        call_command("setup_roles", stdout=StringIO())
    return Group.objects.get(name=HEAD_OFFICE_GROUP)


# --- people ----------------------------------------------------------------------------------


class AddressFactory(DjangoModelFactory):
    class Meta:
        model = Address

    user = factory.SubFactory("tests.factories.people.UserFactory", with_address=False)
    label = "Maison"
    line = factory.Sequence(lambda n: f"{n + 1} rue de Lappe")
    postcode = "75011"
    city = "Paris"
    latitude = NEAR_LATITUDE
    longitude = NEAR_LONGITUDE
    is_default = True


class UserFactory(DjangoModelFactory):
    """A customer with a password (PASSWORD) and one default address near the default shop.
    `UserFactory(with_address=False)` for a customer without address."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"client{n}@example.test")
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Durand{n}")
    phone = "06 12 34 56 78"
    password = Password(PASSWORD)
    is_staff = False

    class Params:
        with_address = True

    address = factory.Maybe(
        "with_address",
        yes_declaration=factory.RelatedFactory(AddressFactory, factory_related_name="user"),
        no_declaration=None,
    )


class StaffFactory(UserFactory):
    """A staff account holding `role` (StaffMembership.Role) in `pizzeria` (a new shop when
    not given). `StaffFactory(pizzeria=None)` for a staff account placed in no shop yet."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    class Params:
        with_address = False
        role = StaffMembership.Role.MANAGER
        pizzeria = factory.SubFactory("tests.factories.shops.PizzeriaFactory")

    email = factory.Sequence(lambda n: f"equipe{n}@ocpizza.test")
    first_name = "Luca"
    is_staff = True
    membership = factory.Maybe(
        "pizzeria",
        yes_declaration=factory.RelatedFactory(
            "tests.factories.shops.StaffMembershipFactory",
            factory_related_name="user",
            pizzeria=factory.SelfAttribute("..pizzeria"),
            role=factory.SelfAttribute("..role"),
        ),
        no_declaration=None,
    )

    @factory.post_generation
    def role_groups(obj, create, extracted, **kwargs):
        if create:
            ensure_role_groups()


class HeadOfficeFactory(UserFactory):
    """A head-office account: staff, in the head-office group that `setup_roles` creates."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    class Params:
        with_address = False

    email = factory.Sequence(lambda n: f"siege{n}@ocpizza.test")
    first_name = "Franck"
    is_staff = True

    @factory.post_generation
    def head_office_group(obj, create, extracted, **kwargs):
        if create:
            obj.groups.add(ensure_role_groups())
