"""Issue 18 (F-BOOK-3): the auditor's archive of a period (entries, closings, manifest with the
SHA-256 of each file, HMAC-signed) and its check."""
import datetime
import hashlib
import hmac
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone

from books.closings import close_books
from books.journal import append_entry
from books.vat import breakdown
from tests.factories.shops import PizzeriaFactory

pytestmark = pytest.mark.django_db

PARIS = timezone.get_default_timezone()


def test_export_then_check_an_archive(tmp_path, settings, capsys):
    settings.BOOKS_ARCHIVE_KEY = "clé-de-test"
    shop = PizzeriaFactory(slug="bastille")
    for day, ttc in ((1, "12.00"), (2, "30.00"), (20, "99.00")):
        with transaction.atomic():
            append_entry(shop_id=shop.pk, kind="sale", order_number=f"OC-ARCH-{day:04d}", source=f"a:{day}",
                         payment_method="cash", vat=breakdown([(10, Decimal(ttc))]),
                         at=datetime.datetime(2026, 3, day, 12, tzinfo=PARIS))
    close_books(shop_id=shop.pk, until=datetime.date(2026, 3, 31), now=datetime.datetime(2026, 4, 1, 5, tzinfo=PARIS))
    folder = tmp_path / "archive"
    call_command("export_journal", "--du", "2026-03-01", "--au", "2026-03-10", "--dossier", str(folder))
    assert "Archive écrite" in capsys.readouterr().out
    rows = (folder / "ecritures.csv").read_text().splitlines()
    assert len(rows) == 3 and rows[0].startswith("shop;sequence;kind;order_number") and "OC-ARCH-0020" not in "".join(rows)
    manifest = json.loads((folder / "manifeste.json").read_text())
    assert manifest["files"]["ecritures.csv"]["rows"] == 2 and manifest["files"]["clotures.csv"]["rows"] == 10
    assert manifest["files"]["ecritures.csv"]["sha256"] == hashlib.sha256((folder / "ecritures.csv").read_bytes()).hexdigest()
    # What docs/exploitation.md tells the auditor to run: openssl dgst -sha256 -hmac KEY manifeste.json
    expected = hmac.new("clé-de-test".encode(), (folder / "manifeste.json").read_bytes(), hashlib.sha256).hexdigest()
    assert (folder / "manifeste.json.hmac").read_text().strip() == expected
    assert all(item["ok"] for item in manifest["verification"])
    call_command("export_journal", "--verifier", str(folder))
    assert "Archive conforme" in capsys.readouterr().out
    # A line changed in the file, or another key: refused.
    (folder / "ecritures.csv").write_text((folder / "ecritures.csv").read_text().replace("12.00", "2.00"))
    with pytest.raises(CommandError):
        call_command("export_journal", "--verifier", str(folder))
    assert "ecritures.csv a été modifié" in capsys.readouterr().err
    settings.BOOKS_ARCHIVE_KEY = "autre"
    with pytest.raises(CommandError):
        call_command("export_journal", "--verifier", str(folder))
    assert "signature HMAC" in capsys.readouterr().err


def test_export_refuses_without_a_key_or_into_a_full_folder(tmp_path, settings):
    settings.BOOKS_ARCHIVE_KEY = ""
    with pytest.raises(CommandError, match="BOOKS_ARCHIVE_KEY"):
        call_command("export_journal", "--du", "2026-03-01", "--au", "2026-03-10", "--dossier", str(tmp_path / "a"))
    settings.BOOKS_ARCHIVE_KEY = "k"
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "x").write_text("x")
    with pytest.raises(CommandError, match="pas vide"):
        call_command("export_journal", "--du", "2026-03-01", "--au", "2026-03-10", "--dossier", str(tmp_path / "b"))
    with pytest.raises(CommandError, match="Date invalide"):
        call_command("export_journal", "--du", "01/03/2026", "--au", "2026-03-10", "--dossier", str(tmp_path / "c"))
