"""VAT arithmetic (issue 18, F-BOOK-1): pure functions on Decimals, no database.

Prices are entered TTC (tax included). A line's TTC is split into HT and TVA at its rate, HT
rounded to the cent half up and TVA the rest, so that HT + TVA == TTC on every line; the lines
are then summed per rate. The totals per rate and in all therefore add up exactly to the TTC
the customer paid (the usual French till rule: rounding per line, never on the total).
"""
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
HUNDRED = Decimal("100")
ZERO = Decimal("0.00")


def cents(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def rate_key(rate) -> Decimal:
    """A rate as the key of a breakdown: Decimal with two places ("10.00", "5.50")."""
    return Decimal(rate).quantize(CENT)


@dataclass(frozen=True)
class VatAmount:
    """HT, TVA and TTC of an amount at one rate; ht + tva == ttc."""

    rate: Decimal
    ht: Decimal
    tva: Decimal
    ttc: Decimal

    def __add__(self, other):
        if other.rate != self.rate:
            raise ValueError("adding amounts at different VAT rates")
        return VatAmount(self.rate, self.ht + other.ht, self.tva + other.tva, self.ttc + other.ttc)


def split_ttc(ttc, rate) -> VatAmount:
    """`ttc` (euros, tax included) at `rate` (%, e.g. 10 or 5.5) as HT + TVA, to the cent.

    HT = TTC / (1 + rate/100) rounded half up to the cent; TVA = TTC - HT. Negative amounts
    (a refund) split symmetrically: split_ttc(-x) is the opposite of split_ttc(x)."""
    ttc = cents(ttc)
    rate = rate_key(rate)
    magnitude = (abs(ttc) * HUNDRED / (HUNDRED + rate)).quantize(CENT, rounding=ROUND_HALF_UP)
    ht = magnitude if ttc >= 0 else -magnitude
    return VatAmount(rate=rate, ht=ht, tva=ttc - ht, ttc=ttc)


@dataclass(frozen=True)
class VatBreakdown:
    """An order's (or a refund's, a day's...) amounts per rate: {rate: VatAmount}, rates sorted."""

    by_rate: dict

    @property
    def lines(self):
        return [self.by_rate[rate] for rate in sorted(self.by_rate)]

    @property
    def ht(self):
        return sum((a.ht for a in self.by_rate.values()), ZERO)

    @property
    def tva(self):
        return sum((a.tva for a in self.by_rate.values()), ZERO)

    @property
    def ttc(self):
        return sum((a.ttc for a in self.by_rate.values()), ZERO)

    def __add__(self, other):
        merged = dict(self.by_rate)
        for rate, amount in other.by_rate.items():
            merged[rate] = merged[rate] + amount if rate in merged else amount
        return VatBreakdown(merged)

    def __sub__(self, other):
        return self + other.negated()

    def nonzero(self):
        """Without the rates whose amounts are all zero."""
        return VatBreakdown({r: a for r, a in self.by_rate.items() if a.ttc or a.ht or a.tva})

    def __bool__(self):
        return any(a.ttc or a.ht or a.tva for a in self.by_rate.values())

    def negated(self):
        return VatBreakdown({r: VatAmount(r, -a.ht, -a.tva, -a.ttc) for r, a in self.by_rate.items()})

    def as_data(self):
        """{"10.00": {"ht": "…", "tva": "…", "ttc": "…"}} for JSON (journal entries, receipts)."""
        return {str(a.rate): {"ht": str(a.ht), "tva": str(a.tva), "ttc": str(a.ttc)} for a in self.lines}

    @classmethod
    def from_data(cls, data):
        return cls({
            rate_key(rate): VatAmount(rate_key(rate), Decimal(v["ht"]), Decimal(v["tva"]), Decimal(v["ttc"]))
            for rate, v in (data or {}).items()
        })


EMPTY = VatBreakdown({})


def breakdown(parts) -> VatBreakdown:
    """Sum per rate of `parts`, an iterable of (rate, line TTC): each part is one line's amount at
    one rate, split on its own (rounding per line) before the sums."""
    by_rate = {}
    for rate, ttc in parts:
        amount = split_ttc(ttc, rate)
        by_rate[amount.rate] = by_rate[amount.rate] + amount if amount.rate in by_rate else amount
    return VatBreakdown(by_rate)


def allocate(amount, basis: VatBreakdown) -> VatBreakdown:
    """`amount` TTC shared over the rates of `basis` in proportion to their TTC, to the cent
    (largest remainders get the leftover cents), each share then split into HT + TVA.

    For money that moves on part of an order without naming its lines (a partial refund, a
    collection short of the total): the shares sum exactly to `amount`. A zero or empty
    basis puts the whole amount at the highest rate of the basis (or 0 % without one)."""
    amount = cents(amount)
    rates = sorted(basis.by_rate, reverse=True)
    weights = {rate: abs(basis.by_rate[rate].ttc) for rate in rates}
    total = sum(weights.values(), ZERO)
    if not rates or total == 0:
        rate = rates[0] if rates else ZERO
        return breakdown([(rate, amount)]) if amount else EMPTY
    sign = -1 if amount < 0 else 1
    units = int(abs(amount) / CENT)
    exact = {rate: Decimal(units) * weights[rate] / total for rate in rates}
    shares = {rate: int(exact[rate]) for rate in rates}
    leftover = units - sum(shares.values())
    for rate in sorted(rates, key=lambda r: (exact[r] - shares[r], weights[r], r), reverse=True)[:leftover]:
        shares[rate] += 1
    return breakdown([(rate, sign * shares[rate] * CENT) for rate in rates if shares[rate]])
