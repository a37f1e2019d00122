"""Issue 19: the lock neither restarts on each try during it nor survives a successful password
reset (the lock page sends the customer to the reset)."""
import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.test import Client, TestCase
from django.urls import reverse

from account.models import User

LOCKED = "Trop de tentatives de connexion échouées : ce compte est verrouillé pendant 5 minutes."
PASSWORD = "Bon-mdp-2026"


@pytest.fixture
def customer(db):
    return User.objects.create_user("bloque@example.fr", PASSWORD, first_name="Léa")


def attempt(client, email, password):
    return client.post(reverse("account:login"), {"username": email, "password": password}, follow=True)


def age_attempts(minutes):
    for row in AccessAttempt.objects.all():
        AccessAttempt.objects.filter(pk=row.pk).update(attempt_time=row.attempt_time - timedelta(minutes=minutes))


def lock(customer):
    for _ in range(3):
        response = attempt(Client(), customer.email, "mauvais-1")
    assert response.status_code == 429 and LOCKED in response.content.decode()


def test_tries_during_the_lock_do_not_restart_it(customer):
    lock(customer)
    age_attempts(4)
    for password in ("mauvais-1", PASSWORD):  # someone keeps trying, the owner too
        assert attempt(Client(), customer.email, password).status_code == 429
    age_attempts(2)  # 6 minutes after the lock: over, whatever was tried at minute 4
    response = attempt(Client(), customer.email, PASSWORD)
    assert response.status_code == 200
    assert response.context["user"] == customer


def test_a_completed_password_reset_lifts_the_lock(customer):
    lock(customer)
    client = Client()
    with TestCase.captureOnCommitCallbacks(execute=True):  # the e-mail is a job run at commit
        client.post(reverse("account:password_reset"), {"email": customer.email})
    link = re.search(r"https?://[^/]+(/compte/mot-de-passe/nouveau/\S+)", mail.outbox[-1].body).group(1)
    form_page = client.get(link, follow=True)
    new = "Nouveau-mdp-2027"
    done = client.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}, follow=True)
    assert "mot de passe" in done.content.decode().lower()
    response = attempt(Client(), customer.email, new)
    assert response.status_code == 200, "the lock survived the reset"
    assert response.context["user"] == customer


def test_an_unfinished_reset_does_not_lift_the_lock(customer):
    lock(customer)
    Client().post(reverse("account:password_reset"), {"email": customer.email})
    assert attempt(Client(), customer.email, PASSWORD).status_code == 429
