"""F-AUTH-1: registration with a unique e-mail and a strong password; logged in afterwards."""
import pytest
from django.urls import reverse

from account.models import User


def register(client, **overrides):
    data = {"email": "nouveau@example.fr", "password1": "Tomate-2026", "password2": "Tomate-2026", **overrides}
    return client.post(reverse("account:register"), data, follow=True)


def test_register_logs_in(client, db):
    response = register(client, first_name="Jeanne")
    assert "Bienvenue ! Votre compte est créé et vous êtes connecté." in response.content.decode()
    user = User.objects.get(email="nouveau@example.fr")
    assert user.check_password("Tomate-2026")
    assert response.context["user"] == user


def test_duplicate_email_is_refused_whatever_the_case(client, db):
    User.objects.create_user("deja@example.fr", "Tomate-2026")
    html = register(client, email="DEJA@example.fr").content.decode()
    assert "Un compte existe déjà avec cette adresse e-mail." in html
    assert User.objects.filter(email__iexact="deja@example.fr").count() == 1


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
