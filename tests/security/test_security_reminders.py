"""Issue 13 L6: every kitchen reads the reminders (they sit beside the shared recipes); a reminder
is changed or deleted by its author, a manager of a shop where the author works, or head office."""
import pytest
from django.urls import reverse

from pizzeria.models import StaffMembership
from product.models import Reminder
from tests.support.admin_forms import snapshot
from tests.factories import HeadOfficeFactory, PizzeriaFactory, ProductFactory, StaffFactory, crew

Role = StaffMembership.Role


@pytest.fixture
def shops(db):
    return {"bastille": PizzeriaFactory(), "boulogne": PizzeriaFactory()}


@pytest.fixture
def people(shops):
    """The author's shop crew, a manager of another shop, head office."""
    found = crew(shops["bastille"])
    found["manager_boulogne"] = StaffFactory(pizzeria=shops["boulogne"], role=Role.MANAGER)
    found["head_office"] = HeadOfficeFactory()
    return found


@pytest.fixture
def reminder(people):
    return Reminder.objects.create(
        product=ProductFactory(name="Margherita"), author=people["pizzaiolo"], title="Pâte",
        content="48 h de pousse",
    )


@pytest.fixture
def other_cook(shops):
    return StaffFactory(pizzeria=shops["boulogne"], role=Role.PIZZAIOLO)


def _post_change(client, reminder, title):
    return client.post(reverse("admin:product_reminder_change", args=[reminder.pk]),
                       {"product": reminder.product_id, "title": title, "content": reminder.content})


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["other_cook", "manager_boulogne", "driver"])
def test_others_cannot_change_or_delete_a_reminder(people, reminder, other_cook, client_for, who):
    user = other_cook if who == "other_cook" else people[who]
    client = client_for(user)
    before = snapshot(reminder)
    if who != "driver":  # a driver does not even read reminders
        page = client.get(reverse("admin:product_reminder_change", args=[reminder.pk]))
        assert page.status_code == 200 and page.context["has_change_permission"] is False
    assert _post_change(client, reminder, "Pirate").status_code == 403
    assert client.post(reverse("admin:product_reminder_delete", args=[reminder.pk]), {"post": "yes"}).status_code == 403
    client.post(reverse("admin:product_reminder_changelist"),
                {"action": "delete_selected", "_selected_action": [reminder.pk], "post": "yes"})
    assert snapshot(reminder) == before


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["pizzaiolo", "manager", "head_office"])
def test_author_their_manager_and_head_office_edit_a_reminder(people, reminder, client_for, who):
    client = client_for(people[who])
    assert _post_change(client, reminder, f"Pâte ({who})").status_code == 302
    reminder.refresh_from_db()
    assert reminder.title == f"Pâte ({who})"
    response = client.post(reverse("admin:product_reminder_changelist"),
                           {"action": "delete_selected", "_selected_action": [reminder.pk], "post": "yes"})
    assert response.status_code == 302
    assert not Reminder.objects.filter(pk=reminder.pk).exists()
