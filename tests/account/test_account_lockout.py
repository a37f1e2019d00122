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


# --- Issue 13 L4: per-address throttling across accounts ------------------------------------------

ADDRESS_LOCKED = "Trop de tentatives de connexion échouées depuis votre adresse"
WRONG = "Adresse e-mail ou mot de passe incorrect."


def spray(client, count, *, start=0, **extra):
    """One wrong password for each of `count` different accounts (most of them do not exist)."""
    responses = []
    for number in range(start, start + count):
        responses.append(client.post(
            reverse("account:login"), {"username": f"client{number}@example.fr", "password": "Ete-2026!"}, **extra
        ))
    return responses


def test_many_accounts_from_one_address_lock_that_address_at_the_limit(staff, settings):
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    responses = spray(attacker, settings.AXES_ADDRESS_FAILURE_LIMIT - 1)
    assert all(r.status_code == 200 and WRONG in r.content.decode() for r in responses)
    # The 20th wrong password, whatever the account, suspends the address.
    last = spray(attacker, 1, start=100)[0]
    assert last.status_code == 429 and ADDRESS_LOCKED in last.content.decode()
    # From then on every login from that address is refused before any password is checked:
    # a new username, and even the right password of a real account.
    for username, password in (("jamais.vu@example.fr", "x"), (staff.email, "Bon-mdp-2026")):
        response = attempt(attacker, reverse("account:login"), username, password)
        assert response.status_code == 429 and ADDRESS_LOCKED in response.content.decode()
        assert not response.context["user"].is_authenticated
    response = attempt(attacker, "/admin/login/", staff.email, "Bon-mdp-2026")
    assert response.status_code == 429 and ADDRESS_LOCKED in response.content.decode()
    # Another address is not affected, and no account was locked by the spraying.
    response = attempt(Client(REMOTE_ADDR="203.0.113.8"), reverse("account:login"), staff.email, "Bon-mdp-2026")
    assert response.context["user"] == staff
    # After the cool-off the address may try again.
    age_attempts(6)
    response = attempt(attacker, reverse("account:login"), staff.email, "Bon-mdp-2026")
    assert response.context["user"] == staff


def test_logging_into_an_own_account_does_not_clear_the_address_counter(staff, settings):
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    spray(attacker, settings.AXES_ADDRESS_FAILURE_LIMIT - 1)
    assert attempt(attacker, reverse("account:login"), staff.email, "Bon-mdp-2026").context["user"] == staff
    attacker.logout()
    response = spray(attacker, 1, start=200)[0]
    assert response.status_code == 429 and ADDRESS_LOCKED in response.content.decode()


def test_a_forged_x_forwarded_for_does_not_dodge_the_address_limit(staff, settings):
    """Behind Nginx (PROXY_HOPS=1, production's default): REMOTE_ADDR is Nginx, and Nginx appends
    the address it sees to whatever X-Forwarded-For the client sent; only that last entry counts."""
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    settings.AXES_IPWARE_PROXY_ORDER = "left-most"
    settings.AXES_IPWARE_PROXY_COUNT = 0
    attacker = Client(REMOTE_ADDR="127.0.0.1")
    responses = []
    for number in range(settings.AXES_ADDRESS_FAILURE_LIMIT):
        # A fresh made-up address each time, and sometimes garbage, before Nginx's entry.
        forged = f"198.51.100.{number}" if number % 2 else f"garbage-{number}, 10.0.0.{number}"
        responses += spray(attacker, 1, start=300 + number, HTTP_X_FORWARDED_FOR=f"{forged}, 203.0.113.50")
    assert [r.status_code for r in responses].count(429) == 1 and responses[-1].status_code == 429
    response = attempt(
        Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.50"),
        reverse("account:login"), staff.email, "Bon-mdp-2026",
    )
    assert response.status_code == 429 and ADDRESS_LOCKED in response.content.decode()
    # Another visitor through the same Nginx is not affected.
    other = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.51")
    assert attempt(other, reverse("account:login"), staff.email, "Bon-mdp-2026").context["user"] == staff


def test_production_reads_the_client_address_behind_nginx_only(tmp_path):
    from tests.support.manage_fork import manage_forked
    from tests.support.ops_helpers import production_env

    script = ("from django.conf import settings as s; print(s.AXES_IPWARE_META_PRECEDENCE_ORDER,"
              " s.AXES_IPWARE_PROXY_ORDER, s.AXES_IPWARE_PROXY_COUNT, s.IPWARE_STRICT, s.AXES_ADDRESS_FAILURE_LIMIT)")
    env = production_env(tmp_path, database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert manage_forked(env, "shell", "-c", script).stdout.strip().splitlines()[-1] == (
        "('HTTP_X_FORWARDED_FOR', 'REMOTE_ADDR') left-most 0 False 20"
    )
    env["PROXY_HOPS"] = "0"
    assert manage_forked(env, "shell", "-c", "from django.conf import settings as s;"
                  " print(s.AXES_IPWARE_META_PRECEDENCE_ORDER)").stdout.strip().splitlines()[-1] == "('REMOTE_ADDR',)"
