"""The admin's home page (unfold's DASHBOARD_CALLBACK) and the exports of its tables."""
from decimal import Decimal
import json
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from account.roles import is_head_office, pizzerias_of
from dashboard import tables
from dashboard.forms import DashboardFilterForm
from dashboard.selectors.sales import REVENUE_RULE
from dashboard.selectors.sales import sales as sales_figures
from dashboard.selectors.options import option_sales
from dashboard.selectors.scope import dashboard_pizzerias
from dashboard.selectors.stock import latest_movements, makeable_products, stock_matrix
from dashboard.selectors.vat import VAT_RULE, vat_figures
from dashboard.selectors.waiting import waiting_orders
from order.rules import DRIVER_STATUSES, KITCHEN_STATUSES, Role
from pizzeria.models import Pizzeria
from product.spreadsheet_formats import FrenchCSV, FrenchXLSX

# The same formats as the admin's spreadsheet exports: one writer, one formula neutralisation (M3).
EXPORT_FORMATS = {"csv": FrenchCSV, "xlsx": FrenchXLSX}


def build_dashboard(request):
    """Everything the page shows, for the shops the user may read; None for staff without any."""
    scope = dashboard_pizzerias(request.user)
    if not is_head_office(request.user) and not pizzerias_of(request.user, Role.MANAGER):
        return None
    form = DashboardFilterForm(request.GET or None, pizzerias=scope)
    period = form.get_period()
    chosen = form.get_pizzeria()
    pizzerias = [chosen] if chosen else list(scope)

    sales = sales_figures(pizzerias=pizzerias, period=period)
    waiting = waiting_orders(pizzerias=pizzerias)
    # A shop that is not open yet (or closed) holds no stock: its empty column would flag everything.
    stocked = [p for p in pizzerias if p.status == Pizzeria.Status.OPEN] or pizzerias
    matrix = stock_matrix(pizzerias=stocked)
    makeable = makeable_products(pizzerias=stocked)
    movements = latest_movements(pizzerias=pizzerias)

    vat = vat_figures(pizzerias=pizzerias, period=period)
    sales_tables = (
        tables.sales_tables(sales) + tables.option_tables(option_sales(pizzerias=pizzerias, period=period))
        + [tables.vat_table(vat)]
    )
    all_tables = sales_tables + [
        tables.waiting_table(pizzerias, waiting),
        tables.stock_table(stocked, matrix),
        tables.makeable_table(stocked, makeable),
        tables.movements_table(movements),
    ]
    return {
        "form": form,
        "period": period,
        "pizzerias": pizzerias,
        "sales": sales,
        "vat": vat,
        "tables": {table.slug: table for table in all_tables},
    }


def dashboard_callback(request, context):
    data = build_dashboard(request)
    if data is None:
        context.update(_staff_context(request))
        return context
    query = request.GET.urlencode()
    by_slug = data["tables"]
    shown = {slug.replace("-", "_"): _shown(table, query) for slug, table in by_slug.items()}
    products = by_slug["produits"]
    sales = data["sales"]
    shown["top_produits"] = _shown(products, query, rows=products.rows[:5], title=_("Meilleures ventes"))
    shown["flop_produits"] = _shown(
        products, query, rows=list(reversed(products.rows[-5:])) if len(products.rows) > 5 else [], title=_("Moins vendus")
    )
    group = sales.group if len(sales.shops) > 1 else sales.shops[0]
    context.update(
        {
            "dashboard": True,
            "form": data["form"],
            "period": data["period"],
            "pizzerias": data["pizzerias"],
            "revenue_rule": REVENUE_RULE,
            "vat_rule": VAT_RULE,
            "totals_mismatch": None if sales.totals_match_lines else _(
                "Attention : la somme des lignes de commande (%(lines)s) diffère de celle des totaux "
                "enregistrés (%(totals)s). Signalez-le à l'équipe technique."
            ) % {"lines": _money(sales.revenue_from_lines), "totals": _money(sales.group.revenue)},
            "kpis": [
                (_("Chiffre d'affaires TTC"), _money(group.revenue)),
                (_("CA HT (journal)"), _money(data["vat"].ht)),
                (_("TVA collectée (journal)"), _money(data["vat"].tva)),
                (_("Commandes comptées"), number_format(group.orders, force_grouping=True)),
                (_("Panier moyen"), _money(group.average_basket)),
                (_("Annulées / refusées"), f"{group.cancelled} / {group.refused}"),
                (_("Préparation moyenne"), _minutes(group.average_preparation)),
                (_("Livraison moyenne"), _minutes(group.average_delivery)),
            ],
            "t": shown,
            "charts": _charts(sales),
        }
    )
    return context


def _staff_context(request):
    """Pizzaiolos and drivers: links to their queues, no figures."""
    user = request.user
    changelist = reverse("admin:order_order_changelist")
    links = []
    kitchens, rounds = pizzerias_of(user, Role.PIZZAIOLO), pizzerias_of(user, Role.DRIVER)
    for pizzeria in Pizzeria.objects.filter(pk__in=kitchens | rounds).order_by("name"):
        if pizzeria.pk in kitchens:
            for status in KITCHEN_STATUSES:
                links.append(_queue_link(changelist, pizzeria, status))
        if pizzeria.pk in rounds:
            for status in DRIVER_STATUSES:
                links.append(_queue_link(changelist, pizzeria, status))
    return {"dashboard": False, "queue_links": links}


def _queue_link(changelist, pizzeria, status):
    query = urlencode({"pizzeria__id__exact": pizzeria.pk, "status__exact": status.value})
    return {"title": f"{pizzeria.name} — {status.label}", "link": f"{changelist}?{query}"}


def _money(value):
    if value is None:
        return "—"
    return f"{number_format(value, 2, force_grouping=True)} €"


def _minutes(duration):
    if duration is None:
        return "—"
    return _("%(minutes)s min") % {"minutes": number_format(tables.minutes(duration), 1)}


def _display(value):
    if value is None:
        return "—"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return number_format(value, force_grouping=True)
    if hasattr(value, "as_tuple"):  # Decimal
        return number_format(value, force_grouping=True)
    return value


def _shown(table, query, rows=None, title=None):
    rows = table.rows if rows is None else rows
    labels = [capfirst(str(header)) for header in table.headers]  # each cell's label on a phone
    shown_rows = []
    for i, row in enumerate(rows):
        cells = []
        for j, value in enumerate(row):
            text = _display(value)
            if (i, j) in table.flagged and rows is table.rows:
                text = format_html(
                    '<span class="bg-red-100 font-semibold px-2 py-0.5 rounded-default text-red-700 dark:bg-red-500/20 dark:text-red-400" title="{}">{} ⚠</span>',
                    _("Stock bas"),
                    text,
                )
            cells.append(text)
        shown_rows.append(list(zip(labels, cells)))
    base = reverse("dashboard:export", kwargs={"table": table.slug, "fmt": "csv"})[: -len(".csv")]
    suffix = f"?{query}" if query else ""
    return {
        "title": title or table.title,
        "table": {"headers": table.headers, "rows": shown_rows},
        "csv": f"{base}.csv{suffix}",
        "xlsx": f"{base}.xlsx{suffix}",
    }


def _charts(sales):
    def dataset(label, values, color="var(--color-primary-600)", **extra):
        return {"label": str(label), "data": [float(v) for v in values], "borderColor": color, "backgroundColor": color, **extra}

    return {
        "by_day": json.dumps(
            {
                "labels": [day.strftime("%d/%m") for day, _f in sales.by_day],
                "datasets": [dataset(_("CA TTC (€)"), [f.revenue for _d, f in sales.by_day], suffixYAxis="€", displayYAxis=True)],
            }
        ),
        "by_hour": json.dumps(
            {
                "labels": [f"{hour} h" for hour, _f in sales.by_hour],
                "datasets": [dataset(_("CA TTC (€)"), [f.revenue for _h, f in sales.by_hour], displayYAxis=True)],
            }
        ),
        "by_shop": json.dumps(
            {
                "labels": [shop.name.replace("OC Pizza ", "") for shop in sales.shops],
                "datasets": [dataset(_("CA TTC (€)"), [shop.revenue for shop in sales.shops], displayYAxis=True)],
            }
        ),
        "by_channel": json.dumps(
            {
                "labels": [str(label) for _v, label, _f in sales.by_channel],
                "datasets": [dataset(_("CA TTC (€)"), [f.revenue for _v, _l, f in sales.by_channel], displayYAxis=True)],
            }
        ),
    }


def with_decimal_commas(dataset):
    """The CSV's numbers as a French Excel reads them (issue 19): "23,50", not "23.50", which it
    took for text or a date. Integers stay as they are; the XLSX keeps real numbers."""
    import tablib

    def cell(value):
        if isinstance(value, Decimal):
            return format(value, "f").replace(".", ",")
        if isinstance(value, float):
            return repr(value).replace(".", ",")
        return value

    out = tablib.Dataset(headers=dataset.headers, title=dataset.title)
    for row in dataset:
        out.append([cell(value) for value in row])
    return out


def export(request, table, fmt):
    """One table of the dashboard, same filters as the page, as CSV or XLSX."""
    if fmt not in EXPORT_FORMATS:
        raise Http404
    data = build_dashboard(request)
    if data is None:
        raise Http404
    if request.GET and not data["form"].is_valid():
        messages.error(request, _("Filtres invalides : corrigez-les avant d'exporter."))
        return redirect(f"{reverse('admin:index')}?{request.GET.urlencode()}")
    try:
        chosen = data["tables"][table]
    except KeyError:
        raise Http404 from None
    # CSV: ";" and a BOM, which a French Excel opens with a double click. Both formats
    # neutralise text that a spreadsheet would run as a formula (shop, staff, product names).
    file_format = EXPORT_FORMATS[fmt]()
    dataset = chosen.dataset()
    if fmt == "csv":
        dataset = with_decimal_commas(dataset)
    content = file_format.export_data(dataset)
    period = data["period"]
    filename = f"ocpizza-{table}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.{fmt}"
    response = HttpResponse(content, content_type=file_format.get_content_type())
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
