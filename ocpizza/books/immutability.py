"""The database triggers that make the journal and the closings append-only (issue 18).

Created by the migration 0004_i18_journal_triggers, for MariaDB/MySQL and SQLite (the two
databases the project runs on): any UPDATE or DELETE of a journal entry or a closing, and any
DELETE of a chain head, is refused by the database itself, whoever sends it.

The one way around them is for Django's `flush` in the test suite (TransactionTestCase and
live_server tests empty every table after each test): tests/conftest.py wraps the flush with
the marker below (a MariaDB session variable; on SQLite a row in a table Django does not know,
so that flush does not empty it). The application never sets it. Someone with full access to
the database can still drop the triggers: the hash chain (books.verification) is what shows it.

Caution for future migrations: on SQLite, altering one of these tables rebuilds it and loses
its triggers; such a migration must run TRIGGERS again (tests/books check that they hold).
"""
PROTECTED = ("books_journalentry", "books_closing")
HEADS = "books_journalhead"
MESSAGE = "OC Pizza: the sales journal is append-only (issue 18)"

# MariaDB/MySQL: a user variable lives in one connection only.
MYSQL_FLUSH_VARIABLE = "@ocpizza_books_flush"


def _mysql():
    statements = []
    refuse = f"SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = '{MESSAGE}'"
    unless_flush = f"IF {MYSQL_FLUSH_VARIABLE} IS NULL OR {MYSQL_FLUSH_VARIABLE} <> 1 THEN {refuse}; END IF"
    for table in PROTECTED:
        statements.append(f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} FOR EACH ROW {refuse}")
        statements.append(f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} FOR EACH ROW BEGIN {unless_flush}; END")
    statements.append(f"CREATE TRIGGER {HEADS}_no_delete BEFORE DELETE ON {HEADS} FOR EACH ROW BEGIN {unless_flush}; END")
    return statements


SQLITE_FLUSH_TABLE = "books_flush_unlock"


def _sqlite():
    refuse = f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
    unless_flush = f"WHEN NOT EXISTS (SELECT 1 FROM {SQLITE_FLUSH_TABLE})"
    statements = [f"CREATE TABLE IF NOT EXISTS {SQLITE_FLUSH_TABLE} (unlocked INTEGER NOT NULL)"]
    for table in PROTECTED:
        statements.append(f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} {refuse}")
        statements.append(f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} {unless_flush} {refuse}")
    statements.append(f"CREATE TRIGGER {HEADS}_no_delete BEFORE DELETE ON {HEADS} {unless_flush} {refuse}")
    return statements


def trigger_names():
    return [f"{t}_no_update" for t in PROTECTED] + [f"{t}_no_delete" for t in PROTECTED] + [f"{HEADS}_no_delete"]


def create_triggers(schema_editor):
    vendor = schema_editor.connection.vendor
    statements = _mysql() if vendor == "mysql" else _sqlite() if vendor == "sqlite" else []
    for statement in statements:
        schema_editor.execute(statement, params=None)


def drop_triggers(schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor not in ("mysql", "sqlite"):
        return
    for name in trigger_names():
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}", params=None)
