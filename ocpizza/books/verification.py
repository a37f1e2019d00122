"""Checks of the journal and closings chains (issue 18, F-BOOK-3), for `manage.py verify_journal`
and head office's admin page: every entry's hash recomputed from its fields, each entry chained
to the one before, sequences without gaps, the chain's head where the last entry is, and every
closing equal to the entries (or closings) it sums. The first problem of each shop is named.
"""
from dataclasses import dataclass

from django.utils.translation import gettext as _

from books.closings import SALES_KINDS, _merge, closing_hash, totals_of_entries
from books.journal import entry_hash
from books.models import GENESIS_HASH, Closing, JournalEntry, JournalHead
from pizzeria.models import Pizzeria


@dataclass(frozen=True)
class Problem:
    shop_id: int
    what: str  # "entry" or "closing"
    sequence: int
    message: str
    shop_name: str = ""

    def __str__(self):
        label = _("écriture") if self.what == "entry" else _("clôture")
        return _("%(shop)s, %(what)s n° %(sequence)s : %(message)s") % {
            "shop": self.shop_name or self.shop_id, "what": label, "sequence": self.sequence, "message": self.message,
        }


@dataclass(frozen=True)
class ShopReport:
    shop_id: int
    entries: int
    closings: int
    problem: Problem | None

    @property
    def ok(self):
        return self.problem is None


def _chain(rows, head_sequence, head_hash, *, what, shop_id, rehash):
    """The first problem of one chain (rows in sequence order), or None."""
    previous, expected = GENESIS_HASH, 1
    for row in rows:
        if row.sequence != expected:
            return Problem(shop_id, what, expected, _("manquante (la suivante est la n° %(next)s).") % {"next": row.sequence})
        if row.previous_hash != previous:
            return Problem(shop_id, what, row.sequence, _("ne suit pas la précédente (empreinte précédente différente) : "
                                                         "une écriture a été modifiée, supprimée ou insérée avant elle."))
        actual = rehash(row)
        if actual != row.hash:
            return Problem(shop_id, what, row.sequence, _("son contenu ne correspond plus à son empreinte : elle a été modifiée "
                                                         "(contenu actuel : %(content)s ; empreinte enregistrée %(stored)s…, "
                                                         "recalculée %(actual)s…).")
                           % {"content": _describe(row), "stored": row.hash[:12], "actual": actual[:12]})
        previous, expected = row.hash, expected + 1
    if expected - 1 != head_sequence or previous != head_hash:
        return Problem(shop_id, what, expected, _("manquante : la chaîne s'arrête à la n° %(last)s, la tête indique la n° %(head)s.")
                       % {"last": expected - 1, "head": head_sequence})
    return None


def _describe(row):
    if isinstance(row, JournalEntry):
        return _("%(kind)s, commande %(order)s, %(ttc)s € TTC (HT %(ht)s, TVA %(tva)s), %(method)s, le %(day)s") % {
            "kind": row.get_kind_display(), "order": row.order_number, "ttc": row.amount_ttc, "ht": row.amount_ht,
            "tva": row.amount_tva, "method": row.payment_method or "—", "day": row.service_day.strftime("%d/%m/%Y"),
        }
    return _("%(kind)s du %(start)s, %(ttc)s € TTC, grand total %(grand)s €") % {
        "kind": row.get_kind_display(), "start": row.period_start.strftime("%d/%m/%Y"), "ttc": row.total_ttc,
        "grand": row.grand_total,
    }


def _closings_match(closings, entries_by_day, shop_id):
    by_start = {}
    for closing in closings:
        if closing.kind == Closing.Kind.DAY:
            sales, payments, counts = totals_of_entries(entries_by_day.get(closing.period_start, ()))
        else:
            parts_kind = Closing.Kind.DAY if closing.kind == Closing.Kind.MONTH else Closing.Kind.MONTH
            sales, payments, counts = _merge(
                c for c in by_start.get(parts_kind, {}).values() if closing.period_start <= c.period_start <= closing.period_end
            )
        if (sales.as_data() != closing.sales or counts != closing.counts
                or {m: str(a.quantize(a.__class__("0.01"))) for m, a in payments.items()} != closing.payments):
            return Problem(shop_id, "closing", closing.sequence,
                           _("ses totaux ne sont plus ceux des écritures de sa période (%(start)s – %(end)s).")
                           % {"start": closing.period_start.strftime("%d/%m/%Y"), "end": closing.period_end.strftime("%d/%m/%Y")})
        by_start.setdefault(closing.kind, {})[closing.period_start] = closing
    return None


def verify_shop(shop_id) -> ShopReport:
    head = JournalHead.objects.filter(shop_id=shop_id).first()
    entries = list(JournalEntry.objects.filter(shop_id=shop_id).order_by("sequence"))
    closings = list(Closing.objects.filter(shop_id=shop_id).order_by("sequence"))
    head_entry = (head.entry_sequence, head.entry_hash) if head else (0, GENESIS_HASH)
    head_closing = (head.closing_sequence, head.closing_hash) if head else (0, GENESIS_HASH)
    problem = _chain(entries, *head_entry, what="entry", shop_id=shop_id, rehash=entry_hash)
    if problem is None:
        problem = _chain(closings, *head_closing, what="closing", shop_id=shop_id, rehash=closing_hash)
    if problem is None:
        by_day = {}
        for entry in entries:
            by_day.setdefault(entry.service_day, []).append(entry)
        problem = _closings_match(closings, by_day, shop_id)
    if problem is not None:
        name = Pizzeria.objects.filter(pk=shop_id).values_list("name", flat=True).first() or str(shop_id)
        problem = Problem(problem.shop_id, problem.what, problem.sequence, problem.message, shop_name=name)
    return ShopReport(shop_id=shop_id, entries=len(entries), closings=len(closings), problem=problem)


def verify_books(shop_ids=None) -> list:
    """One ShopReport per shop that has a journal (or the shops given)."""
    if shop_ids is None:
        shop_ids = sorted(
            set(JournalHead.objects.values_list("shop_id", flat=True))
            | set(JournalEntry.objects.values_list("shop_id", flat=True).distinct())
        )
    return [verify_shop(shop_id) for shop_id in shop_ids]


__all__ = ["Problem", "ShopReport", "verify_books", "verify_shop", "SALES_KINDS"]
