"""The one writer of the sales journal (issue 18, F-BOOK-3): append_entry.

Each shop's entries form a chain: entry n stores the hash of entry n-1 and its own hash, the
SHA-256 of its canonical serialization (canonical_entry: every field that matters, the previous
hash included). Appends of one shop are serialized by a lock on its JournalHead row, taken in
the caller's transaction (the order services' own, so the entry commits or rolls back with the
event it records) and held until it commits: two concurrent sales never take the same sequence
number nor fork the chain. Appends of different shops do not wait for each other.
"""
import datetime
import hashlib
import json
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from books.models import Closing, JournalEntry, JournalHead
from books.vat import VatBreakdown
from pizzeria.models import Pizzeria

CENT = Decimal("0.01")


def _money(value) -> str:
    return str(Decimal(value).quantize(CENT))


def _instant(value) -> str:
    """An aware datetime as UTC ISO 8601 to the microsecond (what both databases store)."""
    return value.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_entry(entry) -> bytes:
    """The bytes an entry's hash covers: compact JSON, keys sorted, amounts as strings to the cent."""
    payload = {
        "shop": entry.shop_id,
        "sequence": entry.sequence,
        "kind": entry.kind,
        "order": entry.order_number,
        "source": entry.source,
        "method": entry.payment_method,
        "ttc": _money(entry.amount_ttc),
        "ht": _money(entry.amount_ht),
        "tva": _money(entry.amount_tva),
        "vat": {rate: {k: _money(v) for k, v in amounts.items()} for rate, amounts in sorted((entry.vat or {}).items())},
        "at": _instant(entry.occurred_at),
        "day": entry.service_day.isoformat(),
        "previous": entry.previous_hash,
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def entry_hash(entry) -> str:
    return hashlib.sha256(canonical_entry(entry)).hexdigest()


def lock_head(shop_id) -> JournalHead:
    """The shop's chain head, locked until the caller's transaction ends.

    A shop's first append creates its head. Concurrent first appends would each try to insert it
    and deadlock on MariaDB (each holding a lock on the duplicate key, each waiting for the
    other's): they queue on the shop's row instead, and only the first one creates the head.
    Later appends lock the head only."""
    head = JournalHead.objects.select_for_update().filter(shop_id=shop_id).first()
    if head is not None:
        return head
    Pizzeria.objects.select_for_update().filter(pk=shop_id).values_list("pk", flat=True).get()
    head = JournalHead.objects.select_for_update().filter(shop_id=shop_id).first()
    if head is None:
        JournalHead.objects.create(shop_id=shop_id)
        head = JournalHead.objects.select_for_update().get(shop_id=shop_id)
    return head


def append_entry(*, shop_id, kind, order_number, source, payment_method, vat: VatBreakdown, at=None) -> JournalEntry:
    """Append one entry to the shop's journal, in the caller's transaction (required: the entry
    belongs to the event it records). `vat` gives the amounts per rate (signed: negative for a
    refund or a cancellation); the totals are its sums."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("append_entry must run inside the transaction of the event it records")
    head = lock_head(shop_id)
    now = at or timezone.now()
    if at is not None and Closing.objects.filter(shop_id=shop_id, period_end__gte=timezone.localdate(at)).exists():
        # A closing is final: its period's figures are read from it (books.selectors.revenue_by_shop),
        # so no entry may land on or before the shop's last closed day. The present instant (no
        # `at`) never does: closings stop at yesterday, under the lock taken above.
        raise RuntimeError("append_entry: the service day of `at` is already closed")
    entry = JournalEntry(
        shop_id=shop_id,
        sequence=head.entry_sequence + 1,
        kind=kind,
        order_number=order_number,
        source=source[:60],
        payment_method=payment_method or "",
        amount_ttc=vat.ttc,
        amount_ht=vat.ht,
        amount_tva=vat.tva,
        vat=vat.as_data(),
        occurred_at=now,
        service_day=timezone.localdate(now),
        previous_hash=head.entry_hash,
    )
    entry.hash = entry_hash(entry)
    entry.save(force_insert=True)
    JournalHead.objects.filter(pk=head.pk).update(entry_sequence=entry.sequence, entry_hash=entry.hash)
    return entry
