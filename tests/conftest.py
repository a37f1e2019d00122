"""Shared fixtures: the real database (SQLite or MariaDB from DATABASE_URL), demo data, users per role."""
import gc
import os

import pytest
import stripe

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# around it are ordinary blocking calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
os.environ.setdefault("APP_ENV", "test")


# The garbage collector of a test process (issue 14). A worker holds Django, every test module,
# Hypothesis and the shared scenes: hundreds of thousands of objects that live until the end, and
# that each collection walked again. Measured on the permission matrix, the transitions matrix
# and the hostile inputs (one process): collections took 12 to 15 % of the time. Two settings,
# neither changes what a test sees (reference counting still frees everything without a cycle):
# - a young generation of 10 000 allocations instead of 700: 300 collections instead of 5 000;
# - the objects alive once the tests are collected are frozen (gc.freeze): never walked again.
# Together: 7.5 s of collections instead of 12 to 15 s on that sample.
gc.set_threshold(10_000, 10, 10)


# Stripe's client waits 0.5 s, then 1 s, before retrying an API it cannot reach (order.stripe_gateway
# asks for two retries, with the same idempotency key). The tests that make Stripe unreachable on
# purpose (the reconciliation, a refund refused, the checkout while Stripe is down, the webhook's
# 503, the permission matrix's payment pages) keep both retries, without the 1.5 s of waiting each.
stripe.HTTPClient.INITIAL_DELAY = 0


def pytest_collection_finish(session):
    gc.collect()
    gc.freeze()


def is_mysql():
    from django.db import connection

    return connection.vendor == "mysql"


def pytest_collection_modifyitems(config, items):
    from django.conf import settings

    # The tests that share the demo first, then those that share the small chain (stable sort):
    # each worker then builds each about once (tests/support/shared_demo.py).
    from tests.support import long_tests
    from tests.support.shared_demo import KINDS, needs_shared_demo, shared_kind

    items.sort(key=lambda item: KINDS.index(kind) if (kind := shared_kind(item)) else len(KINDS))

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.mysql":
        skip = pytest.mark.skip(reason="needs MySQL/MariaDB: set DATABASE_URL=mysql://root@127.0.0.1:3306/ocpizza")
        for item in items:
            if "mysql" in item.keywords:
                item.add_marker(skip)

    # Then the long tests spread over the workers' first blocks (tests/support/long_tests.py).
    workers = getattr(config, "workerinput", {}).get("workercount", 1)
    items[:] = long_tests.spread(items, workers, shares_demo=needs_shared_demo)


@pytest.fixture(autouse=True, scope="session")
def _jobs_in_process():
    """Background jobs run in-process when their transaction commits (as APP_ENV=test sets it),
    however pytest was started: no broker, no worker. The tests of the real queue start their
    own worker on Redis in subprocesses (tests/jobs/test_jobs_redis.py)."""
    from ocpizza.celery import app

    app.conf.update(task_always_eager=True, broker_url="memory://")
    yield


@pytest.fixture(autouse=True)
def _outside_any_task():
    """Each test starts outside any Celery task. An eager apply_async sets Celery's "inside a
    task" flag (celery._state._task_join_will_block) around the task and puts back the value it
    found; the flag is one per process, not per thread, so two threads placing orders at once
    (run_together, a live server beside the test) can leave it set, and a later test's
    `.apply().get()` then fails with "Never call result.get() within a task!"."""
    from celery import _state

    _state._set_task_join_will_block(False)
    yield


@pytest.fixture(autouse=True, scope="session")
def _journal_flush_allowed():
    """The sales journal's triggers refuse every DELETE (books/immutability.py, issue 18); the
    flush that ends each transactional test (live_server, `transaction=True`) may empty it, and
    only that flush (tests/support/journal_flush.py)."""
    from tests.support import flush_snapshot, journal_flush

    journal_flush.patch_flush()
    flush_snapshot.patch_flush()  # and its post_migrate finds the content types and permissions back
    yield


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (the catalogue keeps rendered cards there), and
    without the public pages each process keeps next to it (home.page_cache)."""
    from django.core.cache import cache

    from home.page_cache import forget_local_pages

    cache.clear()
    forget_local_pages()
    yield


@pytest.fixture
def reference_data(db):
    from demo.populate import load_reference

    load_reference()


@pytest.fixture(scope="session")
def _shared_demo_session(django_db_setup, django_db_blocker):
    yield
    from tests.support import shared_demo

    with django_db_blocker.unblock():
        shared_demo.close_at_session_end()


@pytest.fixture
def _shared_demo(request, _shared_demo_session, django_db_blocker):
    from tests.support import shared_demo

    with django_db_blocker.unblock():
        shared_demo.enter_for(request)


@pytest.fixture
def _django_db_helper(_shared_demo, _django_db_helper):
    """pytest-django's per-test database set-up (pinned 4.14: this private fixture is what `db`,
    `transactional_db` and the django_db marker all go through), preceded by the shared demo's
    outer transaction: opened for a demo test, rolled back for any other."""
    yield


@pytest.fixture
def demo_data(db):
    """Pizzerias, menu, recipes, stock, one login per role, a few orders (fixtures/*.json).
    Shared by the tests that run in a rolled-back transaction, copied back for the ones that
    commit (tests/support/shared_demo.py)."""
    from tests.support.shared_demo import committed_demo, loaded_data

    data = loaded_data()
    return data if data is not None else committed_demo()


DEMO_PASSWORD = "pizza-demo-2026"


@pytest.fixture
def demo_users(demo_data):
    from account.models import User

    return {
        "head_office": User.objects.get(email="siege@ocpizza.fr"),
        "manager": User.objects.get(email="gerant@ocpizza.fr"),
        "manager_boulogne": User.objects.get(email="gerant.boulogne@ocpizza.fr"),
        "pizzaiolo": User.objects.get(email="pizzaiolo@ocpizza.fr"),
        "driver": User.objects.get(email="livreur@ocpizza.fr"),
        "customer": User.objects.get(email="client@ocpizza.fr"),
    }


@pytest.fixture
def shops(demo_data):
    from pizzeria.models import Pizzeria

    return {p.slug: p for p in Pizzeria.objects.all()}


@pytest.fixture
def chain(db):
    """A small chain built by the factories (tests/factories.py small_chain): three shops, a
    menu of four products, stock through the ledger, one person per role. Much quicker than
    demo_data; the demo stays for the end-to-end tests. Built once and shared by the tests that
    roll back, like the demo (tests/support/shared_demo.py); each test gets its own copy of the
    instances, so that one changed in memory by a test never reaches the next."""
    import copy

    from tests.factories import small_chain
    from tests.support.shared_demo import loaded_data

    data = loaded_data("chain")
    return copy.deepcopy(data) if data is not None else small_chain()


@pytest.fixture
def client_for(client):
    """client_for(user) -> a test client logged in as that user (through the real login form
    is the browser tests' job; here a forced login keeps unit tests quick: tests.support.sessions)."""
    from django.test import Client

    from tests.support.sessions import log_in

    def make(user):
        return log_in(Client(), user)

    return make


# localstripe per test session (payments and checkout tests): see tests/payments_conftest.py.
from tests.support.payments_conftest import localstripe_url, stripe_local, stripe_webhooks  # noqa: E402,F401
