"""The VAT of orders (issue 18, F-BOOK-1): what each line stores when it is priced, and the
breakdown per rate that receipts, the journal and the dashboard read.

A line stores, when the order is placed (or a change adds or raises it), the rate of each of
its parts on the ORDER's day (books.selectors.rates_on): `vat_parts` [[rate, unit TTC], ...],
summing to the unit price, and `vat_rate`, the rate of its main part. Later changes of the rates
never move an order already placed. The arithmetic is books.vat's (rounding per line).
"""
import datetime
from decimal import Decimal

from django.utils import timezone

from books.selectors import rates_on
from books.vat import ZERO, VatBreakdown, allocate, breakdown, rate_key


def order_day(order) -> datetime.date:
    """The Paris day whose VAT rates an order takes: the day it was placed."""
    created = order.created_at or timezone.now()
    return timezone.localdate(created)


def rates_for(order) -> dict:
    """{VAT category: rate} in force on the order's day (a French ValidationError if one is missing)."""
    return rates_on(order_day(order))


def priced_parts(recipe, rates, unit_price=None) -> list:
    """[[rate, unit TTC], ...] (strings, for the JSON column) of one unit of `recipe`
    (product.line_recipe.LineRecipe) at `rates`. Parts at the same rate merge; a unit price kept
    from before (a change keeps the price the customer agreed to) puts the difference on the
    main part, so that the parts always sum to the line's unit price."""
    by_rate = {}
    for category, amount in recipe.vat_parts or ((None, recipe.unit_price),):
        rate = rate_key(rates[category]) if category is not None else rate_key(next(iter(rates.values())))
        by_rate[rate] = by_rate.get(rate, ZERO) + amount
    return _as_json(_fit(by_rate, recipe.unit_price if unit_price is None else unit_price))


def _fit(by_rate, unit_price):
    main = max(by_rate, key=lambda r: (by_rate[r], r))
    difference = Decimal(unit_price) - sum(by_rate.values(), ZERO)
    if difference:
        by_rate[main] += difference
        if by_rate[main] < 0:  # a price lowered below the other parts: keep the main rate only
            by_rate = {main: Decimal(unit_price)}
    return {rate: amount for rate, amount in by_rate.items() if amount or rate == main}


def _as_json(by_rate):
    return [[str(rate), str(Decimal(amount).quantize(Decimal("0.01")))] for rate, amount in sorted(
        by_rate.items(), key=lambda item: (-item[1], -item[0])
    )]


def main_rate(parts) -> Decimal:
    return Decimal(parts[0][0]) if parts else None


def line_parts(line) -> list:
    """[(rate, unit TTC)] of a saved order line, always summing to its unit price (a line stored
    before issue 18 has no parts: all of it at its `vat_rate`)."""
    stored = {rate_key(rate): Decimal(amount) for rate, amount in (line.vat_parts or ())}
    if not stored:
        stored = {rate_key(line.vat_rate): Decimal(line.unit_price)}
    return sorted(_fit(stored, line.unit_price).items())


def refitted_parts(line) -> list:
    """`line.vat_parts` fitted to its current unit price (for the JSON column)."""
    return _as_json(dict(line_parts(line)))


def lines_vat_breakdown(lines) -> VatBreakdown:
    """HT / TVA / TTC per rate of order lines: each line's part at each rate (unit × quantity)
    split on its own, then summed per rate."""
    return breakdown(
        (rate, amount * line.quantity) for line in lines for rate, amount in line_parts(line)
    )


def order_vat_breakdown(order) -> VatBreakdown:
    """The VAT of an order as it stands (its current lines): ttc == order.total."""
    return lines_vat_breakdown(order.lines.all())


def amount_vat_breakdown(order, amount) -> VatBreakdown:
    """An amount of money on `order` that names no lines (a refund, a partial collection),
    spread over the order's rates in proportion (books.vat.allocate), to the cent."""
    return allocate(amount, order_vat_breakdown(order))
