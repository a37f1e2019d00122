"""Reads of the books (issue 18): the VAT rates in force on a day; the revenue per VAT rate of
shops over a period (issue 14), from the closings and the entries of the days not closed."""
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


def _spans(days) -> list:
    """Sorted dates as [(first, last)] runs of consecutive days."""
    spans = []
    for day in sorted(days):
        if spans and spans[-1][1] + datetime.timedelta(days=1) == day:
            spans[-1] = (spans[-1][0], day)
        else:
            spans.append((day, day))
    return spans


def _not_covered(shop_ids, first_day, last_day, covered, field) -> Q | None:
    """Q(shop, `field` between) of the days of [first_day, last_day] that `covered` ({shop: set of
    days}) does not hold, shops with the same days grouped; None when every day is covered."""
    all_days = [first_day + datetime.timedelta(days=n) for n in range((last_day - first_day).days + 1)]
    by_spans = {}
    for shop_id in shop_ids:
        spans = tuple(_spans(day for day in all_days if day not in covered[shop_id]))
        if spans:
            by_spans.setdefault(spans, []).append(shop_id)
    if not by_spans:
        return None
    condition = Q()
    for spans, shops in by_spans.items():
        days = Q()
        for first, last in spans:
            days |= Q(**{f"{field}__gte": first, f"{field}__lte": last}) if first != last else Q(**{field: first})
        condition |= Q(shop_id__in=shops) & days
    return condition


def revenue_by_shop(*, shop_ids, first_day, last_day) -> dict:
    """{shop id: VatBreakdown} of the revenue entries (sale, change, cancellation) of the shops
    over the service days [first_day, last_day], per VAT rate: exactly the sum of those entries'
    amounts, read where it costs least (issue 14). The one rule of which source holds which day:

    1. a month wholly inside the period that its shop has closed: the month's closing (its sales
       are the sum of its days' Z, each the sum of the day's entries);
    2. any other day of the period that its shop has closed: the day's closing (Z);
    3. the days not closed (today, a night the closing did not run): the entries themselves.

    A closed day never gets a new entry (books.closings closes only days that are over, under the
    shop's chain lock that every append takes; an append stamps the present instant, and
    books.journal refuses an entry dated on or before a closed day), so a day is read from one
    source, wholly. At most three queries whatever the number of entries (months, days,
    entries); a year of a closed shop reads about twelve months and the days of its two partial
    months."""
    from books.models import Closing, JournalEntry
    from books.vat import EMPTY, VatBreakdown

    shop_ids = list(shop_ids)
    totals = {shop_id: EMPTY for shop_id in shop_ids}
    covered = {shop_id: set() for shop_id in shop_ids}
    if not shop_ids or last_day < first_day:
        return totals
    months = Closing.objects.filter(
        shop_id__in=shop_ids, kind=Closing.Kind.MONTH, period_start__gte=first_day, period_end__lte=last_day
    ).values_list("shop_id", "period_start", "period_end", "sales").order_by()
    for shop_id, start, end, sales in months:
        totals[shop_id] = totals[shop_id] + VatBreakdown.from_data(sales)
        covered[shop_id].update(start + datetime.timedelta(days=n) for n in range((end - start).days + 1))
    rest = _not_covered(shop_ids, first_day, last_day, covered, "period_start")
    if rest is not None:
        days = Closing.objects.filter(rest, kind=Closing.Kind.DAY)
        for shop_id, day, sales in days.values_list("shop_id", "period_start", "sales").order_by():
            totals[shop_id] = totals[shop_id] + VatBreakdown.from_data(sales)
            covered[shop_id].add(day)
        rest = _not_covered(shop_ids, first_day, last_day, covered, "service_day")
    if rest is not None:
        kinds = (JournalEntry.Kind.SALE, JournalEntry.Kind.CHANGE, JournalEntry.Kind.CANCELLATION)
        entries = JournalEntry.objects.filter(rest, kind__in=kinds)
        for shop_id, vat in entries.values_list("shop_id", "vat").order_by():
            totals[shop_id] = totals[shop_id] + VatBreakdown.from_data(vat)
    return totals
