"""Closings of a shop's books (issue 18, F-BOOK-3): the daily "Z", the month and the year.

A Z sums one service day's journal entries of one shop (a Paris calendar day: the day of each
entry's timestamp): revenue per VAT rate (sales, changes, cancellations), money per payment
method (payments, collections, refunds), entries per kind, and the perpetual grand total (the
revenue since the shop's first entry). A month sums its days' Z, a year its months. Closings
are chained like the entries (their own sequence and hash per shop), written once per period
(closing again returns the existing one: the job and the command may both run), and only for
periods that are over. close_books closes every period due, oldest first.
"""
import datetime
import hashlib
import json
from decimal import Decimal

from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone

from books.journal import _money, lock_head
from books.models import Closing, JournalEntry
from books.vat import EMPTY, VatBreakdown

SALES_KINDS = (JournalEntry.Kind.SALE, JournalEntry.Kind.CHANGE, JournalEntry.Kind.CANCELLATION)
ZERO = Decimal("0.00")


def canonical_closing(closing) -> bytes:
    payload = {
        "shop": closing.shop_id,
        "sequence": closing.sequence,
        "kind": closing.kind,
        "start": closing.period_start.isoformat(),
        "end": closing.period_end.isoformat(),
        "count": closing.entries_count,
        "first": closing.first_entry,
        "last": closing.last_entry,
        "sales": {r: {k: _money(v) for k, v in a.items()} for r, a in sorted(closing.sales.items())},
        "payments": {m: _money(v) for m, v in sorted(closing.payments.items())},
        "counts": dict(sorted(closing.counts.items())),
        "ttc": _money(closing.total_ttc),
        "ht": _money(closing.total_ht),
        "tva": _money(closing.total_tva),
        "grand_total": _money(closing.grand_total),
        "at": closing.closed_at.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "previous": closing.previous_hash,
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def closing_hash(closing) -> str:
    return hashlib.sha256(canonical_closing(closing)).hexdigest()


def totals_of_entries(entries):
    """(sales VatBreakdown, {method: ttc}, {kind: count}) of journal entries."""
    sales, payments, counts = EMPTY, {}, {}
    for entry in entries:
        counts[entry.kind] = counts.get(entry.kind, 0) + 1
        if entry.kind in SALES_KINDS:
            sales = sales + VatBreakdown.from_data(entry.vat)
        else:
            payments[entry.payment_method] = payments.get(entry.payment_method, ZERO) + entry.amount_ttc
    return sales, payments, counts


def _merge(closings):
    sales, payments, counts = EMPTY, {}, {}
    for closing in closings:
        sales = sales + VatBreakdown.from_data(closing.sales)
        for method, amount in closing.payments.items():
            payments[method] = payments.get(method, ZERO) + Decimal(amount)
        for kind, count in closing.counts.items():
            counts[kind] = counts.get(kind, 0) + count
    return sales, payments, counts


def _last_grand_total(shop_id, kind, before):
    last = Closing.objects.filter(shop_id=shop_id, kind=kind, period_start__lt=before).order_by("-period_start").first()
    return last.grand_total if last else ZERO


def _write(head, *, kind, start, end, sales, payments, counts, first, last, grand_total, now):
    closing = Closing(
        shop_id=head.shop_id, sequence=head.closing_sequence + 1, kind=kind, period_start=start, period_end=end,
        entries_count=sum(counts.values()), first_entry=first, last_entry=last,
        sales=sales.as_data(), payments={m: str(Decimal(a).quantize(Decimal("0.01"))) for m, a in sorted(payments.items())},
        counts=dict(sorted(counts.items())),
        total_ttc=sales.ttc, total_ht=sales.ht, total_tva=sales.tva, grand_total=grand_total,
        closed_at=now, previous_hash=head.closing_hash,
    )
    closing.hash = closing_hash(closing)
    closing.save(force_insert=True)
    type(head).objects.filter(pk=head.pk).update(closing_sequence=closing.sequence, closing_hash=closing.hash)
    head.closing_sequence, head.closing_hash = closing.sequence, closing.hash
    return closing


def close_day(head, day, *, now):
    existing = Closing.objects.filter(shop_id=head.shop_id, kind=Closing.Kind.DAY, period_start=day).first()
    if existing is not None:
        return existing, False
    entries = list(JournalEntry.objects.filter(shop_id=head.shop_id, service_day=day).order_by("sequence"))
    sales, payments, counts = totals_of_entries(entries)
    grand_total = _last_grand_total(head.shop_id, Closing.Kind.DAY, day) + sales.ttc
    closing = _write(
        head, kind=Closing.Kind.DAY, start=day, end=day, sales=sales, payments=payments, counts=counts,
        first=entries[0].sequence if entries else None, last=entries[-1].sequence if entries else None,
        grand_total=grand_total, now=now,
    )
    return closing, True


def _month_end(day):
    following = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return following - datetime.timedelta(days=1)


def close_period(head, kind, start, end, *, now):
    existing = Closing.objects.filter(shop_id=head.shop_id, kind=kind, period_start=start).first()
    if existing is not None:
        return existing, False
    parts_kind = Closing.Kind.DAY if kind == Closing.Kind.MONTH else Closing.Kind.MONTH
    parts = list(Closing.objects.filter(shop_id=head.shop_id, kind=parts_kind, period_start__gte=start, period_start__lte=end)
                 .order_by("period_start"))
    sales, payments, counts = _merge(parts)
    firsts = [p.first_entry for p in parts if p.first_entry is not None]
    lasts = [p.last_entry for p in parts if p.last_entry is not None]
    grand_total = parts[-1].grand_total if parts else _last_grand_total(head.shop_id, Closing.Kind.DAY, start)
    closing = _write(
        head, kind=kind, start=start, end=end, sales=sales, payments=payments, counts=counts,
        first=min(firsts) if firsts else None, last=max(lasts) if lasts else None, grand_total=grand_total, now=now,
    )
    return closing, True


@transaction.atomic
def close_books(*, shop_id, until: datetime.date | None = None, now=None) -> list:
    """Close every day, month and year of the shop that is over on `until` (default: yesterday
    in Paris) and not closed yet, oldest first; returns the closings written (none when all are
    done: idempotent). The first day is the shop's first journal entry's; every day after it gets
    its Z, even a day without sales (the grand total is continuous). Never closes today."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    until = min(until or today - datetime.timedelta(days=1), today - datetime.timedelta(days=1))
    head = lock_head(shop_id)  # closings of a shop are serialized with its appends
    span = JournalEntry.objects.filter(shop_id=shop_id).aggregate(first=Min("service_day"), last=Max("service_day"))
    if span["first"] is None or span["first"] > until:
        return []
    last_z = Closing.objects.filter(shop_id=shop_id, kind=Closing.Kind.DAY).aggregate(d=Max("period_start"))["d"]
    day = last_z + datetime.timedelta(days=1) if last_z else span["first"]
    written = []
    while day <= until:
        closing, created = close_day(head, day, now=now)
        if created:
            written.append(closing)
        if day == _month_end(day):
            month, created = close_period(head, Closing.Kind.MONTH, day.replace(day=1), day, now=now)
            if created:
                written.append(month)
            if day.month == 12:
                year, created = close_period(head, Closing.Kind.YEAR, day.replace(month=1, day=1), day, now=now)
                if created:
                    written.append(year)
        day += datetime.timedelta(days=1)
    return written
