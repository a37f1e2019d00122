"""The dashboard's tables as plain values: shown on the page and exported (CSV, XLSX) alike."""
from dataclasses import dataclass, field
from decimal import Decimal

import tablib
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dashboard.forms import PARIS
from dashboard.selectors.waiting import WAITING_STATUSES
from order.models import Order


@dataclass
class Table:
    slug: str
    title: str
    headers: list
    rows: list = field(default_factory=list)
    flagged: set = field(default_factory=set)  # (row index, column index) of cells to flag (low stock)

    def dataset(self):
        data = tablib.Dataset(headers=[str(h) for h in self.headers], title=str(self.title)[:31])
        for row in self.rows:
            data.append([_export_value(value) for value in row])
        return data


def _export_value(value):
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return value  # openpyxl writes a number; CSV gets "12.50"
    if isinstance(value, (int, float, str)):
        return value
    return str(value)


def minutes(duration):
    if duration is None:
        return None
    return Decimal(duration.total_seconds() / 60).quantize(Decimal("0.1"))


def quantity(value):
    """A stock quantity without the useless zeros of its three decimals."""
    if value is None:
        return None
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def _figures_headers(first):
    return [first, _("CA TTC (€)"), _("commandes"), _("panier moyen (€)")]


def _figures_row(label, figures):
    return [label, figures.revenue, figures.orders, figures.average_basket]


def sales_tables(sales):
    shops = Table(
        "ventes-par-pizzeria",
        _("Ventes par pizzeria"),
        _figures_headers(_("pizzeria"))
        + [_("passées"), _("annulées"), _("refusées"), _("préparation moy. (min)"), _("livraison moy. (min)")],
    )
    lines = sales.shops + ([sales.group] if len(sales.shops) > 1 else [])
    for shop in lines:
        shops.rows.append(
            _figures_row(shop.name, shop)
            + [shop.placed, shop.cancelled, shop.refused, minutes(shop.average_preparation), minutes(shop.average_delivery)]
        )

    days = Table("ventes-par-jour", _("Ventes par jour"), _figures_headers(_("jour")))
    days.rows = [_figures_row(day.strftime("%d/%m/%Y"), figures) for day, figures in sales.by_day]

    hours = Table("ventes-par-heure", _("Ventes par heure de la journée"), _figures_headers(_("heure")))
    hours.rows = [_figures_row(f"{hour:02d} h", figures) for hour, figures in sales.by_hour]

    def breakdown(slug, title, first, items):
        table = Table(slug, title, _figures_headers(first))
        table.rows = [_figures_row(str(label), figures) for _value, label, figures in items]
        return table

    products = Table("produits", _("Produits"), [_("rang"), _("produit"), _("quantité"), _("CA TTC (€)")])
    products.rows = [[rank, name, qty, revenue] for rank, (name, qty, revenue) in enumerate(sales.products, start=1)]
    return [
        shops,
        days,
        hours,
        breakdown("ventes-par-canal", _("Ventes par canal"), _("canal"), sales.by_channel),
        breakdown("ventes-par-mode", _("Ventes par mode de retrait"), _("mode"), sales.by_fulfilment),
        breakdown("ventes-par-paiement", _("Ventes par mode de paiement"), _("paiement"), sales.by_payment_method),
        products,
    ]


def vat_table(vat):
    """Revenue HT, VAT and TTC per shop and rate, from the sales journal (issue 18), and the group's."""
    table = Table(
        "tva-par-taux", _("TVA collectée par taux (journal des ventes)"),
        [_("pizzeria"), _("taux (%)"), _("CA HT (€)"), _("TVA (€)"), _("CA TTC (€)")],
    )
    lines = [(shop.name, shop.breakdown) for shop in vat.shops]
    if len(vat.shops) > 1:
        lines.append((_("Groupe"), vat.group))
    for name, breakdown in lines:
        for amount in breakdown.lines:
            table.rows.append([str(name), amount.rate, amount.ht, amount.tva, amount.ttc])
        table.rows.append([str(name), _("total"), breakdown.ht, breakdown.tva, breakdown.ttc])
    return table


def waiting_table(pizzerias, waiting):
    labels = dict(Order.Status.choices)
    table = Table(
        "commandes-en-cours", _("Commandes en cours"), [_("pizzeria")] + [labels[s] for s in WAITING_STATUSES] + [_("total")]
    )
    for pizzeria in pizzerias:
        counts = [waiting[pizzeria.pk][status] for status in WAITING_STATUSES]
        table.rows.append([pizzeria.name] + counts + [sum(counts)])
    return table


def stock_table(pizzerias, matrix):
    table = Table("stock", _("Stock par pizzeria"), [_("ingrédient"), _("unité"), _("seuil bas")] + [p.name for p in pizzerias])
    for i, row in enumerate(matrix):
        table.rows.append([row.ingredient, row.unit, quantity(row.threshold)] + [quantity(c.quantity) for c in row.cells])
        table.flagged.update((i, 3 + j) for j, cell in enumerate(row.cells) if cell.is_low)
    return table


def makeable_table(pizzerias, makeable):
    table = Table(
        "pizzas-realisables",
        _("Pizzas encore réalisables (ingrédient limitant)"),
        [_("produit")] + [p.name for p in pizzerias],
    )
    for i, (name, availabilities) in enumerate(makeable):
        cells = []
        for j, availability in enumerate(availabilities):
            cells.append(f"{availability.makeable} ({availability.limiting_ingredient})")
            if availability.makeable == 0:
                table.flagged.add((i, 1 + j))
        table.rows.append([name] + cells)
    return table


def movements_table(movements):
    table = Table(
        "mouvements",
        _("Derniers mouvements de stock"),
        [_("date"), _("pizzeria"), _("ingrédient"), _("variation"), _("quantité après"), _("motif"), _("par"), _("commande")],
    )
    for movement in movements:
        table.rows.append(
            [
                timezone.localtime(movement.created_at, PARIS).strftime("%d/%m/%Y %H:%M"),
                movement.stock.pizzeria.name,
                f"{movement.stock.ingredient.name} ({movement.stock.ingredient.unit.symbol})",
                quantity(movement.delta),
                quantity(movement.quantity_after),
                movement.get_reason_display(),
                str(movement.user) if movement.user_id else "",
                movement.order.number if movement.order_id else "",
            ]
        )
    return table


def option_tables(options):
    """Issue 16: top products by size, extras sold, ingredient use per size."""
    sizes = Table("produits-par-taille", _("Produits par taille"), [_("produit"), _("taille"), _("quantité"), _("CA TTC (€)")])
    sizes.rows = [list(row) for row in options.by_size]
    extras = Table("supplements-vendus", _("Suppléments vendus"), [_("supplément"), _("pizzas")])
    extras.rows = [list(row) for row in options.extras]
    used = Table("ingredients-par-taille", _("Ingrédients utilisés par taille"), [_("ingrédient"), _("unité"), _("taille"), _("quantité")])
    used.rows = [[name, unit, size, quantity(value)] for name, unit, size, value in options.ingredients_by_size]
    return [sizes, extras, used]
