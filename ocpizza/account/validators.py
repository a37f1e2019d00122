import string
from difflib import SequenceMatcher

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def _plain(text):
    return "".join(ch for ch in (text or "").lower() if ch.isalnum())


class DigitOrSymbolValidator:
    """F-AUTH-1: a password must hold at least one digit or symbol. A space is not a symbol
    (issue 19: eight spaces passed)."""

    def validate(self, password, user=None):
        if not any(ch.isdigit() or (not ch.isalnum() and not ch.isspace()) for ch in password):
            raise ValidationError(
                _("Le mot de passe doit contenir au moins un chiffre ou un symbole."),
                code="password_no_digit_or_symbol",
            )

    def get_help_text(self):
        return _("Votre mot de passe doit contenir au moins un chiffre ou un symbole.")


class NotOnlySpacesValidator:
    """Spaces do not count towards the length: a password of blanks is refused."""

    def validate(self, password, user=None):
        if len("".join(password.split())) < 1 or password.strip() == "":
            raise ValidationError(_("Le mot de passe ne peut pas être fait que d'espaces."), code="password_only_spaces")

    def get_help_text(self):
        return _("Votre mot de passe ne peut pas être fait que d'espaces.")


class FullNameSimilarityValidator:
    """Django's UserAttributeSimilarityValidator compares each attribute alone: "juliemartin1"
    is not close enough to "julie" nor to "martin". This one compares the password, letters and
    digits only, with the first and last names joined both ways and the e-mail's local part."""

    def __init__(self, max_similarity=0.7):
        self.max_similarity = max_similarity

    def validate(self, password, user=None):
        if user is None:
            return
        first, last = _plain(getattr(user, "first_name", "")), _plain(getattr(user, "last_name", ""))
        local = _plain((getattr(user, "email", "") or "").split("@")[0])
        candidates = [value for value in (first + last, last + first, local) if len(value) >= 3]
        plain = _plain(password)
        for value in candidates:
            if value in plain or SequenceMatcher(a=plain, b=value).quick_ratio() >= self.max_similarity:
                raise ValidationError(
                    _("Le mot de passe est trop semblable à votre nom ou à votre adresse e-mail."),
                    code="password_too_similar",
                )

    def get_help_text(self):
        return _("Votre mot de passe ne peut pas ressembler à votre nom ni à votre adresse e-mail.")
