"""A shop's legal identity as French receipts and invoices must print it (issue 18, F-BOOK-2):
SIRET (14 digits, Luhn key), intra-community VAT number (FR + 2-digit key + SIREN) and whether
a shop has everything a receipt needs. Checks only; the fields are on pizzeria.Pizzeria."""
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

LEGAL_FIELDS = ("legal_name", "legal_form", "siret", "vat_number", "registered_address", "invoice_prefix")


def luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def vat_key(siren: str) -> int:
    """The French VAT number's key: (12 + 3 × (SIREN mod 97)) mod 97."""
    return (12 + 3 * (int(siren) % 97)) % 97


def normalise_siret(value: str) -> str:
    return re.sub(r"\s", "", value or "")


def validate_siret(value):
    siret = normalise_siret(value)
    if not re.fullmatch(r"\d{14}", siret):
        raise ValidationError(_("Le SIRET compte 14 chiffres (SIREN de 9 chiffres puis 5 chiffres de l'établissement)."))
    if not luhn_ok(siret):
        raise ValidationError(_("Ce SIRET n'est pas valide : sa clé de contrôle ne correspond pas. Vérifiez les chiffres."))


def validate_vat_number(value):
    vat = normalise_siret(value).upper()
    match = re.fullmatch(r"FR(\d{2})(\d{9})", vat)
    if not match:
        raise ValidationError(_("Le numéro de TVA intracommunautaire s'écrit FR, 2 chiffres de clé et le SIREN (ex. FR32 123456789)."))
    if int(match.group(1)) != vat_key(match.group(2)):
        raise ValidationError(_("Ce numéro de TVA n'est pas valide : sa clé ne correspond pas au SIREN."))


def check_vat_matches_siret(*, siret: str, vat_number: str):
    """The VAT number carries the company's SIREN, the first 9 digits of the SIRET."""
    siret, vat = normalise_siret(siret), normalise_siret(vat_number).upper()
    if len(siret) == 14 and len(vat) == 13 and vat[4:] != siret[:9]:
        raise ValidationError({"vat_number": _("Le numéro de TVA ne correspond pas au SIREN du SIRET (%(siren)s).") % {"siren": siret[:9]}})


def missing_legal_details(pizzeria) -> list[str]:
    """The labels of the legal fields a receipt needs that the shop has not filled in."""
    return [str(pizzeria._meta.get_field(name).verbose_name) for name in LEGAL_FIELDS if not getattr(pizzeria, name)]


def vat_number_display(vat_number: str) -> str:
    vat = normalise_siret(vat_number).upper()
    return f"{vat[:4]} {vat[4:]}" if len(vat) == 13 else vat


def siret_display(siret: str) -> str:
    s = normalise_siret(siret)
    return f"{s[:3]} {s[3:6]} {s[6:9]} {s[9:]}" if len(s) == 14 else s
