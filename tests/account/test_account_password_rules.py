"""Issue 19: Django's validators used properly: similarity to the name (first + last name
joined too), common passwords, length, and no password made of spaces."""
import pytest
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

from account.models import User


def errors(password, **names):
    user = User(email=names.pop("email", "julie.martin@example.fr"), **names)
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        return error.messages
    return []


@pytest.mark.parametrize(
    "password, message",
    [
        ("        ", "Le mot de passe ne peut pas être fait que d'espaces."),
        ("juliemartin1", "Le mot de passe est trop semblable à votre nom ou à votre adresse e-mail."),
        ("Martin-Julie", "Le mot de passe est trop semblable à votre nom ou à votre adresse e-mail."),
        ("password1", "Ce mot de passe est trop courant."),
        ("court1!", "Ce mot de passe est trop court. Il doit contenir au minimum 8 caractères."),
        ("pas de chiffre", "Le mot de passe doit contenir au moins un chiffre ou un symbole."),
    ],
)
def test_weak_passwords_are_refused(password, message):
    assert message in errors(password, first_name="Julie", last_name="Martin")


def test_a_sound_password_passes():
    assert errors("Tomate-Basilic-26", first_name="Julie", last_name="Martin") == []


def test_similarity_works_without_a_name():
    assert "Le mot de passe est trop semblable à votre nom ou à votre adresse e-mail." in errors(
        "julie.martin!", email="julie.martin@example.fr"
    )
