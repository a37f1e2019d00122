"""Writes of the books' reference data (issue 18): the checks every VAT rate passes, from the
admin form, the spreadsheet import and the data migration alike (VatRate.clean calls them)."""
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import formats
from django.utils.translation import gettext as _


def _day(value):
    return formats.date_format(value, "d/m/Y") if value else _("nouvel ordre")


def check_vat_rate(rate) -> None:
    """Raise a French ValidationError unless `rate` (a books.VatRate, saved or not) is a rate
    between 0 and 100 % whose period is not empty and overlaps no other period of its category."""
    from books.models import VatRate

    errors = {}
    if rate.rate is not None and not (Decimal("0") <= rate.rate <= Decimal("100")):
        errors["rate"] = _("Le taux doit être compris entre 0 et 100 %.")
    if rate.valid_from and rate.valid_until and rate.valid_until <= rate.valid_from:
        errors["valid_until"] = _("La fin de validité doit être postérieure au début.")
    if errors:
        raise ValidationError(errors)
    if not rate.category or not rate.valid_from:
        return
    # Two periods [a, b) and [c, d) overlap when a < d and c < b (an empty end is +infinity).
    overlapping = VatRate.objects.filter(category=rate.category).exclude(pk=rate.pk)
    overlapping = overlapping.filter(Q(valid_until__isnull=True) | Q(valid_until__gt=rate.valid_from))
    if rate.valid_until:
        overlapping = overlapping.filter(valid_from__lt=rate.valid_until)
    clash = overlapping.order_by("valid_from").first()
    if clash is not None:
        raise ValidationError(
            {
                "valid_from": _(
                    "Cette période chevauche le taux de %(rate)s %% en vigueur du %(start)s au %(end)s pour cette "
                    "catégorie : fermez d'abord l'ancienne période (« jusqu'au »)."
                )
                % {"rate": formats.localize(clash.rate), "start": _day(clash.valid_from), "end": _day(clash.valid_until)}
            }
        )
