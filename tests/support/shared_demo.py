"""The demo data, built once per test process and shared by the tests that only read or roll back.

Loading the demo (reference menu, 8 shops, stock through the ledger, users, orders through the
order services and the journal) costs about 1.7 s on SQLite and 3 s on MariaDB; 227 tests use it.
Django's own answer is TestCase.setUpTestData: the data is written once inside an outer
transaction, each test runs in a savepoint inside it, and the savepoint is rolled back after the
test. This module does the same for pytest functions:

- before pytest-django opens a test's transaction (see the `_django_db_helper` override in
  tests/conftest.py), `enter_for(request)` opens the outer transaction and loads the demo if the
  test asks for `demo_data` and runs inside a transaction (not `transaction=True`, not
  live_server); the test's own atomic block is then a savepoint, rolled back as before;
- any other test (no demo, or one that commits and is flushed afterwards) first closes the outer
  transaction: it rolls back, so such a test finds the database empty, exactly as before;
- `tests/conftest.py` puts the demo tests first in the collection so that each worker runs them
  one after the other and loads the demo about once.

Correctness never depends on that order: a demo test after another kind of test loads the demo
again. The outer transaction is also renewed after MAX_AGE seconds, because the demo's orders are
dated relative to the moment they were loaded (the kitchen's queue shows waiting times).

The factories' small chain (the `chain` fixture: 3 shops, a menu, stock, a crew; about 270
queries, 0.1 s on MariaDB, asked for by some 250 tests) is shared the same way since session 8
of issue 14: one outer transaction holds one scene at a time (KINDS), the chain tests come right
after the demo tests, and the fixture hands each test a deep copy of the instances (as Django's
setUpTestData does), so that an instance a test changes in memory is never the next test's."""
import time

from django.db import transaction

MAX_AGE = 300  # seconds

_state = {"atomic": None, "connection": None, "kind": None, "data": None, "since": 0.0}


# The shared scenes, by the fixture that returns them: the demo, and the factories' small chain
# (tests/factories/scenes.py small_chain: about 270 queries, used by some 250 tests).
KINDS = ("demo_data", "chain")


def shared_kind(node):
    """The scene (a KINDS name) a test (its pytest item or request) reads inside a rolled-back
    transaction, or None: a test that commits, or asks for neither, builds what it needs itself."""
    names = set(node.fixturenames)
    kind = next((name for name in KINDS if name in names), None)
    if kind is None:
        return None
    if names & {"transactional_db", "live_server", "django_db_reset_sequences"}:
        return None
    marker = getattr(node, "node", node).get_closest_marker("django_db")
    if marker is not None:
        transactional = marker.kwargs.get("transaction", marker.args[0] if marker.args else False)
        if transactional or marker.kwargs.get("reset_sequences"):
            return None
    return kind


def needs_shared_demo(node):
    """A test that reads a shared scene (the demo or the small chain) in a rolled-back transaction."""
    return shared_kind(node) is not None


def enter_for(request):
    """Called before each test's database set-up; `django_db_blocker` must be unblocked."""
    kind = shared_kind(request)
    if kind is None:
        leave()
        return
    if _state["atomic"] is not None and (_state["kind"] != kind or time.monotonic() - _state["since"] > MAX_AGE):
        leave()
    if _state["atomic"] is None:
        _open(kind)


def loaded_data(kind="demo_data"):
    """What the scene's loader returned, when that scene is the one open (else None: build it
    in the test)."""
    return _state["data"] if _state["atomic"] is not None and _state["kind"] == kind else None


def _load(kind):
    if kind == "chain":
        from tests.factories import small_chain

        return small_chain()
    from demo.populate import load_demo, load_reference

    load_reference()
    return load_demo()


def _open(kind):
    atomic = transaction.atomic()
    atomic.__enter__()
    connection = transaction.get_connection()
    try:
        data = _load(kind)
    except BaseException:
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)
        raise
    _state.update(atomic=atomic, connection=connection, kind=kind, data=data, since=time.monotonic())


def leave():
    """Roll the shared demo back (before a test that must find an empty database, and at the end)."""
    atomic, connection = _state["atomic"], _state["connection"]
    if atomic is None:
        return
    _state.update(atomic=None, connection=None, kind=None, data=None)
    if transaction.get_connection() is connection:
        # Rolling back the outermost block also drops the on_commit callbacks the load registered.
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)
    else:
        # Django's connections are per context (asgiref's Local): code that ran in another
        # context (Playwright's sync API runs on greenlets) may now hold another wrapper. The
        # block's own connection is closed, which rolls its transaction back on the server and
        # frees its locks (the database could not be dropped at the end otherwise), and its
        # wrapper forgets the block, to reconnect cleanly if it is used again.
        _forget(connection)


def _forget(connection):
    try:
        if connection.connection is not None:
            connection.connection.close()
    except Exception:  # noqa: BLE001 — a connection already gone is what we want
        pass
    connection.connection = None
    connection.in_atomic_block = False
    connection.savepoint_ids = []
    connection.atomic_blocks = []
    connection.needs_rollback = False
    connection.closed_in_transaction = False
    connection.run_on_commit = []
    connection.autocommit = connection.settings_dict["AUTOCOMMIT"]


def close_at_session_end():
    """Whatever happened in between, the shared demo's transaction ends before the test
    database is dropped."""
    connection = _state["connection"]
    leave()
    if connection is not None and connection.in_atomic_block:
        _forget(connection)


# --- Transactional tests: a snapshot of the committed demo ----------------------------------
# A test that commits (live_server, `transaction=True`) cannot share the outer transaction: it
# needs the demo committed, and the flush that ends it empties every table. The first such test
# of a process loads the demo through the services as before, then copies every table's rows;
# the next ones (until MAX_AGE) put those rows back instead, about ten times quicker. The copy
# includes the content types and permissions that the flush's post_migrate recreates (with the
# same ids each time since tests/support/flush_snapshot.py, new ones before), so that every
# reference in it stays consistent either way.

_snapshot = {"tables": None, "data": None, "since": 0.0}


def committed_demo():
    """Load the committed demo for a transactional test; returns what load_demo returned."""
    from demo.populate import load_demo, load_reference

    if _snapshot["tables"] is not None and time.monotonic() - _snapshot["since"] <= MAX_AGE:
        _restore(_snapshot["tables"])
        return _snapshot["data"]
    load_reference()
    data = load_demo()
    _snapshot.update(tables=_copy(), data=data, since=time.monotonic())
    return data


def _table_names():
    from django.db import connection

    return sorted(connection.introspection.django_table_names(only_existing=True, include_views=False))


def _copy():
    from django.db import connection

    tables = {}
    with connection.cursor() as cursor:
        for table in _table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            columns = [column[0] for column in cursor.description]
            tables[table] = (columns, cursor.fetchall())
    return tables


def _restore(tables):
    from django.db import connection

    from tests.support.journal_flush import unlocked

    quote = connection.ops.quote_name
    with connection.constraint_checks_disabled(), transaction.atomic(), unlocked(connection):
        with connection.cursor() as cursor:
            for table in _table_names():
                cursor.execute(f"DELETE FROM {quote(table)}")
            for table, (columns, rows) in tables.items():
                if rows:
                    names = ", ".join(quote(column) for column in columns)
                    marks = ", ".join(["%s"] * len(columns))
                    cursor.executemany(f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})", rows)
