"""Reads of the books (issue 18): the VAT rates in force on a day."""
import datetime

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import formats
from django.utils.translation import gettext as _

from books.models import VatRate
from product.vat import VatCategory


def rates_on(day: datetime.date) -> dict:
    """{category: rate in %} of every VAT category on `day` (one query). A category without a rate
    that day is a French ValidationError naming it: an order is never placed without its VAT."""
    rates = {
        category: rate
        for category, rate in VatRate.objects.filter(valid_from__lte=day)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=day))
        .values_list("category", "rate")
    }
    missing = [label for value, label in VatCategory.choices if value not in rates]
    if missing:
        raise ValidationError(
            _("Aucun taux de TVA en vigueur le %(day)s pour : %(categories)s. Le siège doit le saisir (Comptabilité › Taux de TVA).")
            % {"day": formats.date_format(day, "d/m/Y"), "categories": ", ".join(str(m) for m in missing)}
        )
    return rates


def revenue_entries(*, shop_ids, first_day, last_day):
    """(shop id, per-rate amounts) of the revenue entries (sale, change, cancellation) of the shops
    over the service days [first_day, last_day]: one query."""
    from books.models import JournalEntry

    kinds = (JournalEntry.Kind.SALE, JournalEntry.Kind.CHANGE, JournalEntry.Kind.CANCELLATION)
    return JournalEntry.objects.filter(
        shop_id__in=shop_ids, kind__in=kinds, service_day__gte=first_day, service_day__lte=last_day
    ).values_list("shop_id", "vat").order_by()
