"""The sales journal of the bench's generated orders (issue 14): what the order services would
have written for them, and the closings the nightly job would have made.

demo.sample.generate_orders bulk-inserts finished orders without going through the services, so
without journal entries: the dashboard's VAT table (read from the journal) was never measured at
a real chain's volume. This writes, for every generated order that has none yet, the entries
order.bookkeeping would have appended (a SALE when placed, a CHANGE for a few orders whose last
line was added later, a CANCELLATION for a cancelled or refused order; a PAYMENT online, a
COLLECTION at the door, a REFUND), with books' own arithmetic (order.vat.lines_vat_breakdown,
books.vat.allocate) and hash (books.journal.entry_hash), each shop's entries in time order
chained after its existing ones, in bulk. Then books.closings.close_books closes every past day,
month and year, as the nightly job would have.

Incremental: a kept database gets the entries of the orders that have none (a database made
before this script gets all of them on its next run). Entries are never written into a day
already closed (the books forbid it: a Z is final), so orders added to a database whose journal
is already closed stop the script with a message: start from a new database.
"""
import random
import time
from collections import defaultdict
from datetime import timedelta
from types import SimpleNamespace

from django.db import transaction
from django.utils import timezone

from books.closings import close_books
from books.journal import entry_hash, lock_head
from books.models import Closing, JournalEntry, JournalHead
from books.vat import allocate, breakdown
from order.models import Order, OrderLine
from order.vat import line_parts

CHANGED_SHARE = 0.03  # orders of two lines or more whose last line was added after the sale
BATCH = 5000


def _sold_after(placed, moment):
    """`moment`, kept on the order's service day and never in the future."""
    day_end = timezone.localtime(placed).replace(hour=23, minute=59, second=59, microsecond=0)
    return min(moment or placed, day_end, timezone.now())


def _entries_of(order, lines, rng):
    """[(occurred_at, kind, source, method, VatBreakdown)] of one finished order, as
    order.bookkeeping would have booked them."""
    placed = min(order["created_at"], timezone.now())
    parts = [[(rate, amount * line.quantity) for rate, amount in line_parts(line)] for line in lines]
    sold = breakdown(p for line in parts for p in line)
    number, method = order["number"], order["payment_method"]
    rows, n = [], 0
    if len(parts) > 1 and rng.random() < CHANGED_SHARE:
        first = breakdown(p for line in parts[:-1] for p in line)
        n += 1
        rows.append((placed, "sale", f"sale:{number}:{n}", method, first))
        n += 1
        rows.append((_sold_after(placed, placed + timedelta(minutes=2)), "change", f"sale:{number}:{n}", method,
                     (sold - first).nonzero()))
    else:
        n += 1
        rows.append((placed, "sale", f"sale:{number}:{n}", method, sold))
    ended = order["cancelled_at"] or order["refused_at"]
    if order["status"] in (Order.Status.CANCELLED, Order.Status.REFUSED):
        n += 1
        rows.append((_sold_after(placed, ended), "cancellation", f"sale:{number}:{n}", method, sold.negated()))
    total = sold.ttc
    # No Payment rows behind the generated orders: the money entries' sources name the order.
    if method == "card_online":
        rows.append((placed, "payment", f"bench-payment:{number}", "card_online", allocate(total, sold)))
        if order["status"] != Order.Status.DELIVERED:
            rows.append((_sold_after(placed, ended), "refund", f"bench-refund:{number}", "card_online",
                         allocate(-total, sold)))
    elif order["status"] == Order.Status.DELIVERED:
        rows.append((_sold_after(placed, order["delivered_at"]), "collection", f"bench-collection:{number}",
                     rng.choice(["cash", "card_terminal"]), allocate(total, sold)))
    return rows


def _missing_orders(prefix):
    booked = set(
        JournalEntry.objects.filter(kind=JournalEntry.Kind.SALE, order_number__startswith=f"{prefix}-")
        .values_list("order_number", flat=True)
    )
    orders = [
        o for o in Order.objects.filter(number__startswith=f"{prefix}-").values(
            "pk", "number", "pizzeria_id", "status", "payment_method", "created_at", "delivered_at",
            "cancelled_at", "refused_at",
        ).order_by()
        if o["number"] not in booked
    ]
    return orders


def _lines_by_order(prefix, order_pks):
    lines = defaultdict(list)
    wanted = set(order_pks)
    for row in OrderLine.objects.filter(order__number__startswith=f"{prefix}-").values(
        "order_id", "pk", "quantity", "unit_price", "vat_rate", "vat_parts"
    ).order_by("order_id", "pk").iterator(chunk_size=20000):
        if row["order_id"] in wanted:
            lines[row["order_id"]].append(SimpleNamespace(**row))
    return lines


def write_journal(*, prefix="BENCH", seed=0) -> int:
    """Write the entries of the `prefix` orders that have none; returns how many were written."""
    orders = _missing_orders(prefix)
    if not orders:
        return 0
    by_shop = defaultdict(list)
    for order in orders:
        by_shop[order["pizzeria_id"]].append(order)
    first_day = timezone.localdate(min(o["created_at"] for o in orders))
    closed = Closing.objects.filter(shop_id__in=list(by_shop), period_end__gte=first_day).exists()
    if closed:
        raise SystemExit(
            f"{len(orders)} orders {prefix}-… have no journal entries but their days are already closed "
            "(books.Closing): a Z is final. Start from a new bench database."
        )
    lines = _lines_by_order(prefix, [o["pk"] for o in orders])
    rng = random.Random(seed)
    written = 0
    for shop_id, shop_orders in sorted(by_shop.items()):
        rows = []
        for order in sorted(shop_orders, key=lambda o: o["number"]):
            for index, row in enumerate(_entries_of(order, lines[order["pk"]], rng)):
                rows.append((row[0], order["number"], index, row))
        rows.sort(key=lambda r: r[:3])
        with transaction.atomic():
            head = lock_head(shop_id)
            sequence, previous = head.entry_sequence, head.entry_hash
            batch = []
            for _at, number, _index, (at, kind, source, method, vat) in rows:
                sequence += 1
                entry = JournalEntry(
                    shop_id=shop_id, sequence=sequence, kind=kind, order_number=number, source=source,
                    payment_method=method, amount_ttc=vat.ttc, amount_ht=vat.ht, amount_tva=vat.tva,
                    vat=vat.as_data(), occurred_at=at, service_day=timezone.localdate(at), previous_hash=previous,
                )
                entry.hash = previous = entry_hash(entry)
                batch.append(entry)
                if len(batch) >= BATCH:
                    JournalEntry.objects.bulk_create(batch)
                    batch = []
            JournalEntry.objects.bulk_create(batch)
            JournalHead.objects.filter(pk=shop_id).update(entry_sequence=sequence, entry_hash=previous)
        written += len(rows)
    return written


def close_past_days() -> int:
    """What the nightly job would have closed (every past day, month and year of every shop)."""
    return sum(len(close_books(shop_id=shop_id)) for shop_id in JournalHead.objects.values_list("shop_id", flat=True))


def ensure_journal(*, prefix="BENCH", verify=True):
    """The journal and closings of the generated orders, written if missing; prints what it did."""
    from books.verification import verify_books

    started = time.perf_counter()
    written = write_journal(prefix=prefix)
    if written:
        print(f"journal: wrote {written} entries in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    closings = close_past_days()
    if closings:
        print(f"journal: wrote {closings} closings (Z, months, years) in {time.perf_counter() - started:.1f} s")
    if verify and (written or closings):
        started = time.perf_counter()
        reports = verify_books()
        bad = [str(r.problem) for r in reports if not r.ok]
        print(f"journal: verify_books {'OK' if not bad else 'FAILED'} for {len(reports)} shops "
              f"({sum(r.entries for r in reports)} entries, {sum(r.closings for r in reports)} closings) "
              f"in {time.perf_counter() - started:.1f} s")
        if bad:
            raise SystemExit("\n".join(bad))


__all__ = ["ensure_journal", "write_journal", "close_past_days"]
