"""The content types and permissions put back at once after each transactional test's flush.

A transactional test (live_server, `transaction=True`) ends with Django's `flush`: every table is
emptied, then post_migrate is sent, as after a migrate. Its receivers recreate the content types
and the permissions of every app one app at a time (about 160 queries, 0.4 s on MariaDB: more than
the flush itself, and there are some two hundred such tests).

What post_migrate writes into an empty database is always the same. After the first flush of a
process the two tables are copied; after the next ones their rows are put back (two INSERTs)
before post_migrate is sent, as before: its receivers then find them there, as after a real
migrate of an up-to-date database, and the other receivers (the reference VAT rates, books.apps)
run as they did. The ids are those of the first time instead of new ones at each flush; every
row that points to them comes after the flush. Used by tests/conftest.py only."""
from django.db import transaction

TABLES = ("django_content_type", "auth_permission")  # in the order of their foreign keys

_copies = {}  # database alias -> {table: (columns, rows)}


def _copy(connection):
    tables = {}
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            tables[table] = ([column[0] for column in cursor.description], cursor.fetchall())
    return tables


def _restore(connection, tables):
    quote = connection.ops.quote_name
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        for table in TABLES:
            columns, rows = tables[table]
            if rows:
                names = ", ".join(quote(column) for column in columns)
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})", rows)


def patch_flush():
    """Wrap the post_migrate that Django's `flush` command sends (and only that one)."""
    from django.core.management.commands import flush as flush_command
    from django.db import connections

    original = flush_command.emit_post_migrate_signal
    if getattr(original, "_ocpizza_flush_snapshot", False):
        return

    def emit_post_migrate_signal(verbosity, interactive, db, **kwargs):
        connection = connections[db]
        copied = _copies.get(db)
        if copied is not None:
            _restore(connection, copied)
        original(verbosity, interactive, db, **kwargs)
        if copied is None:
            _copies[db] = _copy(connection)

    emit_post_migrate_signal._ocpizza_flush_snapshot = True
    emit_post_migrate_signal.original = original  # tests/test_shared_demo.py compares with it
    flush_command.emit_post_migrate_signal = emit_post_migrate_signal
