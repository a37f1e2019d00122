"""The archive of a period's journal and closings for an auditor (issue 18, F-BOOK-3).

`manage.py export_journal` writes, in a new folder: ecritures.csv (every entry of the period,
with its hash and the previous one), clotures.csv (the closings), manifeste.json (the period, the
files with their SHA-256 and row counts, the verification of each shop's chain) and
manifeste.json.hmac, the HMAC-SHA256 of manifeste.json keyed by settings.BOOKS_ARCHIVE_KEY.
docs/exploitation.md tells how to check it with standard tools (sha256sum, openssl).
"""
import csv
import datetime
import hashlib
import hmac
import json
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from books.models import Closing, JournalEntry
from books.verification import verify_books

ENTRY_COLUMNS = ("shop", "sequence", "kind", "order_number", "source", "payment_method", "amount_ttc", "amount_ht",
                 "amount_tva", "vat", "occurred_at", "service_day", "previous_hash", "hash")
CLOSING_COLUMNS = ("shop", "sequence", "kind", "period_start", "period_end", "entries_count", "first_entry", "last_entry",
                   "sales", "payments", "counts", "total_ttc", "total_ht", "total_tva", "grand_total", "closed_at",
                   "previous_hash", "hash")


def _cell(value):
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True, separators=(",", ":"))
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return "" if value is None else str(value)


def _write_csv(path, columns, rows):
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\n")
        writer.writerow(columns)
        count = 0
        for row in rows:
            writer.writerow([_cell(getattr(row, "shop_id" if c == "shop" else c)) for c in columns])
            count += 1
    return count


def sha256_of(path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(65536), b""):
            digest.update(block)
    return digest.hexdigest()


def signature(data: bytes, key: str | None = None) -> str:
    key = settings.BOOKS_ARCHIVE_KEY if key is None else key
    return hmac.new(key.encode(), data, hashlib.sha256).hexdigest()


def export_journal(*, first_day: datetime.date, last_day: datetime.date, folder: Path, shop_ids=None) -> dict:
    """Write the archive of [first_day, last_day] (service days, included) in `folder` (created;
    must not exist or be empty). Returns the manifest."""
    if not settings.BOOKS_ARCHIVE_KEY:
        raise ValueError("BOOKS_ARCHIVE_KEY n'est pas réglée : impossible de signer l'archive.")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    if any(folder.iterdir()):
        raise ValueError(f"Le dossier {folder} n'est pas vide.")
    entries = JournalEntry.objects.filter(service_day__gte=first_day, service_day__lte=last_day).order_by("shop_id", "sequence")
    closings = Closing.objects.filter(period_start__gte=first_day, period_end__lte=last_day).order_by("shop_id", "sequence")
    if shop_ids is not None:
        entries, closings = entries.filter(shop_id__in=shop_ids), closings.filter(shop_id__in=shop_ids)
    files = {}
    for name, columns, rows in (("ecritures.csv", ENTRY_COLUMNS, entries.iterator()),
                                ("clotures.csv", CLOSING_COLUMNS, closings.iterator())):
        count = _write_csv(folder / name, columns, rows)
        files[name] = {"sha256": sha256_of(folder / name), "rows": count}
    reports = verify_books(shop_ids)
    manifest = {
        "application": "OC Pizza",
        "period": {"from": first_day.isoformat(), "to": last_day.isoformat()},
        "generated_at": _cell(timezone.now()),
        "files": files,
        "hash": "SHA-256 of each entry's canonical JSON (books.journal.canonical_entry), chained per shop",
        "verification": [
            {"shop": r.shop_id, "entries": r.entries, "closings": r.closings, "ok": r.ok,
             "problem": str(r.problem) if r.problem else ""}
            for r in reports
        ],
    }
    body = json.dumps(manifest, sort_keys=True, indent=2, ensure_ascii=False).encode() + b"\n"
    (folder / "manifeste.json").write_bytes(body)
    (folder / "manifeste.json.hmac").write_text(signature(body) + "\n")
    return manifest


def check_archive(folder: Path, key: str | None = None) -> list:
    """The problems of an archive ([] when the signature and every file's SHA-256 hold)."""
    folder = Path(folder)
    body = (folder / "manifeste.json").read_bytes()
    problems = []
    if not hmac.compare_digest((folder / "manifeste.json.hmac").read_text().strip(), signature(body, key)):
        problems.append("La signature HMAC du manifeste ne correspond pas (clé différente ou manifeste modifié).")
    manifest = json.loads(body)
    for name, expected in manifest["files"].items():
        if sha256_of(folder / name) != expected["sha256"]:
            problems.append(f"{name} a été modifié depuis l'export (SHA-256 différent).")
    return problems
