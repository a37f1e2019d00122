"""Backups and restore (O-7): the whole database comes back identical, the 8th backup removes the
oldest, and a damaged file is refused before anything is touched."""
import gzip

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from ops.backups import list_backups
from order.models import Order
from pizzeria.models import Pizzeria, StockMovement


def _tables():
    # Not SQLite's own statistics (sqlite_stat1, written by the weekly maintenance's ANALYZE when
    # another test of the same parallel worker ran it first): no primary key, not our data.
    return sorted(t for t in connection.introspection.table_names(include_views=False) if not t.startswith("sqlite_"))


def snapshot():
    """Every table's row count, its first and last rows, and on MySQL its content checksum."""
    state = {}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in _tables():
            cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")
            count = cursor.fetchone()[0]
            # By primary key (history tables repeat the model's id in their first column).
            key = ", ".join(quote(column) for column in connection.introspection.get_primary_key_columns(cursor, table))
            key = key or "1"  # a table without a primary key (the journal's flush marker, issue 18): its first column
            cursor.execute(f"SELECT * FROM {quote(table)} ORDER BY {key} LIMIT 5")
            first = cursor.fetchall()
            cursor.execute(f"SELECT * FROM {quote(table)} ORDER BY {key.replace(',', ' DESC,')} DESC LIMIT 5")
            last = cursor.fetchall()
            state[table] = {"count": count, "first": first, "last": last}
            if connection.vendor == "mysql":
                cursor.execute(f"CHECKSUM TABLE {quote(table)}")
                state[table]["checksum"] = cursor.fetchone()[1]
    return state


def drop_everything():
    """The disaster: every table gone."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "mysql":
            cursor.execute("SET FOREIGN_KEY_CHECKS = 0")
        else:
            cursor.execute("PRAGMA foreign_keys = OFF")
        for table in _tables():
            cursor.execute(f"DROP TABLE {quote(table)}")
        if connection.vendor == "mysql":
            cursor.execute("SET FOREIGN_KEY_CHECKS = 1")
        else:
            cursor.execute("PRAGMA foreign_keys = ON")


def _round_trip(tmp_path):
    before = snapshot()
    assert before["pizzeria_pizzeria"]["count"] == 8
    assert before["order_order"]["count"] > 0 and before["pizzeria_stockmovement"]["count"] > 0

    call_command("backup_db", directory=str(tmp_path))
    [backup] = list_backups(directory=tmp_path)

    drop_everything()
    assert _tables() == []

    call_command("restore_db", str(backup.path), interactive=False)
    after = snapshot()
    assert after.keys() == before.keys()
    for table in before:
        assert after[table] == before[table], table
    # The application reads the restored data as before.
    assert Pizzeria.objects.count() == 8
    assert Order.objects.count() == before["order_order"]["count"]


@pytest.mark.mysql
@pytest.mark.django_db(transaction=True)
def test_mariadb_backup_then_restore_gives_back_every_row(demo_data, tmp_path):
    _round_trip(tmp_path)


@pytest.mark.django_db(transaction=True)
def test_sqlite_backup_then_restore_gives_back_every_row(demo_data, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite path (the MariaDB path has its own test)")
    _round_trip(tmp_path)


@pytest.mark.django_db(transaction=True)
def test_eighth_backup_removes_the_oldest(demo_data, tmp_path):
    made = []
    for number in range(1, 9):
        call_command("backup_db", directory=str(tmp_path))
        kept = [backup.path for backup in list_backups(directory=tmp_path)]
        made.append(kept[-1])
        assert len(kept) == min(number, 7)
    assert kept == made[1:]
    assert not made[0].exists()
    # The files are dated and compressed.
    assert all(path.name.endswith((".sql.gz", ".sqlite3.gz")) for path in kept)
    with gzip.open(kept[-1]) as dump:
        assert dump.read(16)


@pytest.mark.django_db(transaction=True)
def test_damaged_backup_is_refused_and_the_data_is_untouched(demo_data, tmp_path):
    call_command("backup_db", directory=str(tmp_path))
    [backup] = list_backups(directory=tmp_path)
    damaged = tmp_path / "damaged" / backup.path.name
    damaged.parent.mkdir()
    damaged.write_bytes(backup.path.read_bytes()[: backup.path.stat().st_size // 2])
    movements = StockMovement.objects.count()

    with pytest.raises(CommandError, match="illisible ou tronqué|pas une sauvegarde complète"):
        call_command("restore_db", str(damaged), interactive=False)
    assert StockMovement.objects.count() == movements
    assert Pizzeria.objects.count() == 8


def test_restore_asks_for_a_file_or_latest(db, tmp_path):
    with pytest.raises(CommandError, match="soit un fichier"):
        call_command("restore_db", interactive=False)
    with pytest.raises(CommandError, match="Aucune sauvegarde"):
        call_command("restore_db", latest=True, directory=str(tmp_path), interactive=False)


@pytest.mark.django_db(transaction=True)
def test_failed_backup_is_reported_and_keeps_the_previous_ones(demo_data, tmp_path, caplog):
    call_command("backup_db", directory=str(tmp_path))
    kept = list_backups(directory=tmp_path)
    not_a_folder = tmp_path / "not-a-folder"
    not_a_folder.write_text("")

    with pytest.raises(CommandError, match="Impossible d'écrire la sauvegarde"):
        call_command("backup_db", directory=str(not_a_folder / "backups"))
    # Logged as an error: it reaches ocpizza-errors.log and Sentry.
    assert any(record.levelname == "ERROR" and "Sauvegarde de la base échouée" in record.getMessage() for record in caplog.records)
    assert list_backups(directory=tmp_path) == kept
    assert not list(tmp_path.glob("*.partial"))
