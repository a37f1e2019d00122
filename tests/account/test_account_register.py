"""F-AUTH-1: registration with a strong password; the account is activated (and the customer
logged in) by the link sent by e-mail. The answer never says whether the e-mail has an account
(issue 19): the existing account gets an e-mail instead."""
import re

import pytest
from django.core import mail
from django.test import TestCase
from django.urls import reverse

from account.models import User


def register(client, **overrides):
    data = {"email": "nouveau@example.fr", "password1": "Tomate-2026", "password2": "Tomate-2026", **overrides}
    # The e-mail is a background job, run (in-process) when the request's transaction commits.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(reverse("account:register"), data, follow=True)


def activation_link(message):
    return re.search(r"https?://[^/]+(/compte/activer/\S+)", message.body).group(1)


def test_register_then_the_e_mailed_link_activates_and_logs_in(client, db):
    response = register(client, first_name="Jeanne")
    assert "Vérifiez votre boîte mail" in response.content.decode()
    user = User.objects.get(email="nouveau@example.fr")
    assert user.check_password("Tomate-2026") and not user.is_active
    assert response.context["user"].is_anonymous
    link = activation_link(mail.outbox[-1])
    response = client.get(link, follow=True)
    assert "Votre compte est activé et vous êtes connecté." in response.content.decode()
    assert response.context["user"] == user
    user.refresh_from_db()
    assert user.is_active
    # The link is spent by the login.
    assert client.get(link).status_code == 400


def test_an_existing_e_mail_gets_the_same_answer_and_a_mail_to_its_owner(client, db):
    User.objects.create_user("deja@example.fr", "Tomate-2026")
    new = register(client, email="inconnu@example.fr").content.decode()
    known = register(client, email="DEJA@example.fr").content.decode()
    assert known.replace("deja@example.fr", "X") == new.replace("inconnu@example.fr", "X")
    assert "existe déjà" not in known
    assert User.objects.filter(email__iexact="deja@example.fr").count() == 1
    notice = mail.outbox[-1]
    assert notice.to == ["deja@example.fr"]
    assert "Vous avez déjà un compte" in notice.body
    assert "/compte/activer/" not in notice.body


def test_a_forged_activation_link_is_refused(client, db):
    register(client)
    link = activation_link(mail.outbox[-1])
    response = client.get(link[:-3] + "abc/")
    assert response.status_code == 400
    assert not User.objects.get(email="nouveau@example.fr").is_active


@pytest.mark.parametrize(
    "password, message",
    [
        ("court1!", "Ce mot de passe est trop court. Il doit contenir au minimum 8 caractères."),
        ("uniquementdeslettres", "Le mot de passe doit contenir au moins un chiffre ou un symbole."),
        ("12345678", "Ce mot de passe est entièrement numérique."),
        ("password1", "Ce mot de passe est trop courant."),
    ],
)
def test_weak_passwords_are_refused_with_clear_messages(client, db, password, message):
    html = register(client, password1=password, password2=password).content.decode()
    assert message.replace("'", "&#x27;") in html
    assert not User.objects.filter(email="nouveau@example.fr").exists()


def test_confirmation_must_match(client, db):
    html = register(client, password2="Tomate-2027").content.decode()
    assert "Les deux mots de passe ne correspondent pas." in html
    assert not User.objects.exists()


def test_login_page_links_to_register(client, db):
    html = client.get(reverse("account:login")).content.decode()
    assert reverse("account:register") in html
