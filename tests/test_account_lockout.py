"""F-AUTH-3: three failed logins lock the account for five minutes, on the site and the admin alike."""
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from account.models import User

LOCKED = "Trop de tentatives de connexion échouées : ce compte est verrouillé pendant 5 minutes."


@pytest.fixture
def staff(db):
    return User.objects.create_user("verrou@ocpizza.fr", "Bon-mdp-2026", is_staff=True, is_superuser=True)


def attempt(client, url, email, password):
    return client.post(url, {"username": email, "password": password, "next": "/"}, follow=True)


def age_attempts(minutes):
    """Server-side clock for django-axes: move the recorded failures back in time."""
    for row in AccessAttempt.objects.all():
        AccessAttempt.objects.filter(pk=row.pk).update(attempt_time=row.attempt_time - timedelta(minutes=minutes))


@pytest.mark.parametrize("url", [reverse("account:login"), "/admin/login/"])
def test_three_failures_lock_then_unlock_after_five_minutes(staff, url):
    client = Client()
    for _ in range(2):
        response = attempt(client, url, staff.email, "mauvais")
        assert LOCKED not in response.content.decode()
    response = attempt(client, url, staff.email, "mauvais")
    assert response.status_code == 429 and LOCKED in response.content.decode()
    # Even the right password is refused while locked, on both login pages.
    for other in (reverse("account:login"), "/admin/login/"):
        response = attempt(Client(), other, staff.email, "Bon-mdp-2026")
        assert response.status_code == 429 and LOCKED in response.content.decode()
    age_attempts(4)
    assert LOCKED in attempt(Client(), url, staff.email, "Bon-mdp-2026").content.decode()
    age_attempts(6)
    response = attempt(client, url, staff.email, "Bon-mdp-2026")
    assert LOCKED not in response.content.decode()
    assert response.context["user"] == staff


def test_lock_is_per_account(staff):
    other = User.objects.create_user("autre.client@example.fr", "Autre-mdp-2026")
    client = Client()
    for _ in range(3):
        attempt(client, reverse("account:login"), staff.email, "mauvais")
    response = attempt(client, reverse("account:login"), other.email, "Autre-mdp-2026")
    assert response.context["user"] == other


def test_wrong_password_says_so_in_french(staff):
    html = attempt(Client(), reverse("account:login"), staff.email, "mauvais").content.decode()
    assert "Adresse e-mail ou mot de passe incorrect." in html
