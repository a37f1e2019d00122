"""Revenue before tax and VAT collected, per rate, shop and period (issue 18, F-BOOK-1/3).

Read from the sales journal, not from the orders: the revenue entries (sales, changes,
cancellations) of the period's service days, so that the figures are the ones of the books and
their closings, to the cent. books.selectors.revenue_by_shop reads the closed months and days
from their closings and only the days not closed from the entries (issue 14): at most three
queries, and a year costs its months and its unclosed days, not its hundreds of thousands of
entries. The shops' names come with the pizzerias asked.
"""
from dataclasses import dataclass, field

from books.selectors import revenue_by_shop
from books.vat import EMPTY, VatBreakdown

from django.utils.translation import gettext_lazy as _

VAT_RULE = _(
    "Chiffre d'affaires HT et TVA collectée : écritures du journal des ventes (ventes, modifications, "
    "annulations) des journées de la période, par taux ; les remboursements sont des règlements, ils "
    "n'en sont pas déduits."
)


@dataclass
class ShopVat:
    name: str
    breakdown: VatBreakdown = field(default_factory=lambda: EMPTY)


@dataclass
class VatFigures:
    shops: list  # [ShopVat], in the order of the pizzerias asked
    group: VatBreakdown

    @property
    def ht(self):
        return self.group.ht

    @property
    def tva(self):
        return self.group.tva

    @property
    def ttc(self):
        return self.group.ttc


def vat_figures(*, pizzerias, period) -> VatFigures:
    shops = {p.pk: ShopVat(name=p.name) for p in pizzerias}
    for shop_id, amounts in revenue_by_shop(shop_ids=list(shops), first_day=period.start, last_day=period.end).items():
        shops[shop_id].breakdown = amounts
    group = EMPTY
    for shop in shops.values():
        group = group + shop.breakdown
    return VatFigures(shops=list(shops.values()), group=group)

