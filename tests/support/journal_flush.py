"""Lets Django's test `flush` empty the journal tables that the database's triggers protect
(books/immutability.py). Used by tests/conftest.py only; the application never does this.

Transactional tests (TransactionTestCase, live_server, `transaction=True`) end with a flush that
DELETEs every table's rows. Around that flush only, the marker the triggers look for is set:
a session variable on MariaDB, a row in an unmanaged table on SQLite."""
from contextlib import contextmanager

from books.immutability import MYSQL_FLUSH_VARIABLE, SQLITE_FLUSH_TABLE


def _set(connection, unlocked):
    with connection.cursor() as cursor:
        if connection.vendor == "mysql":
            cursor.execute(f"SET {MYSQL_FLUSH_VARIABLE} = {1 if unlocked else 'NULL'}")
        elif connection.vendor == "sqlite":
            cursor.execute(f"DELETE FROM {SQLITE_FLUSH_TABLE}")
            if unlocked:
                cursor.execute(f"INSERT INTO {SQLITE_FLUSH_TABLE} (unlocked) VALUES (1)")


@contextmanager
def unlocked(connection):
    """The marker set around a block (tests/support/shared_demo.py empties the tables before it
    puts the demo's rows back)."""
    _set(connection, True)
    try:
        yield
    finally:
        _set(connection, False)


def patch_flush():
    """Wrap the database operations' execute_sql_flush (what `manage.py flush` calls)."""
    from django.db import connections

    for connection in connections.all():
        ops_class = type(connection.ops)
        if getattr(ops_class, "_ocpizza_journal_flush", False):
            continue
        original = ops_class.execute_sql_flush

        def execute_sql_flush(self, sql_list, _original=original):
            _set(self.connection, True)
            try:
                return _original(self, sql_list)
            finally:
                _set(self.connection, False)

        ops_class.execute_sql_flush = execute_sql_flush
        ops_class._ocpizza_journal_flush = True
