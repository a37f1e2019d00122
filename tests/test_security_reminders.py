"""Issue 13 L6: every kitchen reads the reminders (they sit beside the shared recipes); a reminder
is changed or deleted by its author, a manager of a shop where the author works, or head office."""
import pytest
from django.urls import reverse

from account.models import User
from pizzeria.models import StaffMembership
from product.models import Product, Reminder
from tests.admin_forms import snapshot


@pytest.fixture
def reminder(demo_users):
    return Reminder.objects.create(
        product=Product.objects.get(slug="margherita"), author=demo_users["pizzaiolo"], title="Pâte",
        content="48 h de pousse",
    )


@pytest.fixture
def other_cook(shops):
    cook = User.objects.create_user(email="pizzaiolo.boulogne@ocpizza.fr", password="pizza-demo-2026", is_staff=True)
    StaffMembership.objects.create(user=cook, pizzeria=shops["boulogne"], role="pizzaiolo")
    return cook


def _post_change(client, reminder, title):
    return client.post(reverse("admin:product_reminder_change", args=[reminder.pk]),
                       {"product": reminder.product_id, "title": title, "content": reminder.content})


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["other_cook", "manager_boulogne", "driver"])
def test_others_cannot_change_or_delete_a_reminder(demo_users, reminder, other_cook, client_for, who):
    user = other_cook if who == "other_cook" else demo_users[who]
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
def test_author_their_manager_and_head_office_edit_a_reminder(demo_users, reminder, client_for, who):
    client = client_for(demo_users[who])
    assert _post_change(client, reminder, f"Pâte ({who})").status_code == 302
    reminder.refresh_from_db()
    assert reminder.title == f"Pâte ({who})"
    response = client.post(reverse("admin:product_reminder_changelist"),
                           {"action": "delete_selected", "_selected_action": [reminder.pk], "post": "yes"})
    assert response.status_code == 302
    assert not Reminder.objects.filter(pk=reminder.pk).exists()
