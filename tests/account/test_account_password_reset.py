"""F-AUTH-4: the password reset link works once, expires after one hour, and is refused when tampered."""
import re
from datetime import datetime, timedelta
from unittest import mock

import pytest
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import mail
from django.test import TestCase
from django.urls import reverse

from account.models import User


@pytest.fixture
def customer(db):
    return User.objects.create_user("client.reset@example.fr", "Ancien-mdp-1")


def ask_link(client, email):
    # The e-mail is a background job, run (in-process) when the request's transaction commits.
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(reverse("account:password_reset"), {"email": email})
    assert len(mail.outbox) == 1
    return re.search(r"http://[^/]+(/compte/mot-de-passe/nouveau/\S+/)", mail.outbox[0].body).group(1)


def set_password(client, link, password="Nouveau-mdp-2"):
    response = client.get(link, follow=True)
    if not response.context.get("validlink"):
        return response
    return client.post(response.redirect_chain[-1][0], {"new_password1": password, "new_password2": password}, follow=True)


def test_link_works_once(client, customer):
    link = ask_link(client, customer.email)
    response = set_password(client, link)
    assert "Mot de passe enregistré" in response.content.decode()
    customer.refresh_from_db()
    assert customer.check_password("Nouveau-mdp-2")
    again = set_password(client, link, "Troisieme-mdp-3")
    assert "Ce lien de réinitialisation est invalide ou a expiré." in again.content.decode()
    customer.refresh_from_db()
    assert customer.check_password("Nouveau-mdp-2")


def _now_plus(delta):
    return mock.patch.object(PasswordResetTokenGenerator, "_now", return_value=datetime.now() + delta)


def test_link_expires_after_one_hour(client, customer):
    link = ask_link(client, customer.email)
    with _now_plus(timedelta(minutes=59)):
        assert client.get(link, follow=True).context["validlink"] is True
    with _now_plus(timedelta(hours=1, minutes=1)):
        response = set_password(client, link)
    assert "Ce lien de réinitialisation est invalide ou a expiré." in response.content.decode()
    customer.refresh_from_db()
    assert customer.check_password("Ancien-mdp-1")


def test_tampered_link_is_refused(client, customer):
    link = ask_link(client, customer.email)
    parts = link.rstrip("/").split("/")
    token = parts[-1]
    tampered = "/".join(parts[:-1] + [token[:-1] + ("a" if token[-1] != "a" else "b")]) + "/"
    assert "Ce lien de réinitialisation est invalide ou a expiré." in set_password(client, tampered).content.decode()
    other = User.objects.create_user("autre@example.fr", "Autre-mdp-1")
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    parts[-2] = urlsafe_base64_encode(force_bytes(other.pk))
    assert "Ce lien de réinitialisation est invalide ou a expiré." in set_password(client, "/".join(parts) + "/").content.decode()


def test_unknown_email_gets_the_same_answer_and_no_mail(client, db):
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("account:password_reset"), {"email": "personne@example.fr"}, follow=True)
    assert "Si un compte existe avec cette adresse" in response.content.decode()
    assert mail.outbox == []


def test_staff_created_without_password_receives_set_password_link(client, db):
    from account.services import send_set_password_email

    staff = User.objects.create_user("nouveau.pizzaiolo@ocpizza.fr")
    with TestCase.captureOnCommitCallbacks(execute=True):
        send_set_password_email(user=staff)
    link = re.search(r"http://[^/]+(/compte/mot-de-passe/nouveau/\S+/)", mail.outbox[0].body).group(1)
    set_password(client, link, "Four-a-bois-77")
    staff.refresh_from_db()
    assert staff.check_password("Four-a-bois-77")
