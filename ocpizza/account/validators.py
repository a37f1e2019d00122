import string

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class DigitOrSymbolValidator:
    """F-AUTH-1: a password must hold at least one digit or symbol."""

    def validate(self, password, user=None):
        if not any(ch.isdigit() or ch in string.punctuation or not ch.isalnum() for ch in password):
            raise ValidationError(
                _("Le mot de passe doit contenir au moins un chiffre ou un symbole."),
                code="password_no_digit_or_symbol",
            )

    def get_help_text(self):
        return _("Votre mot de passe doit contenir au moins un chiffre ou un symbole.")
