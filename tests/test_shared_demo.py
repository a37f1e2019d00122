"""The demo shared between tests (tests/support/shared_demo.py) is the demo a test would load.

A transactional test gets the demo back from a copy of its rows; that copy must be worth a load
through the services: the same rows in every table, the journal's chains intact, and the roles'
permissions pointing at the permissions the database holds."""
import pytest
from django.core.management import call_command
from django.db import connection

from tests.support import shared_demo


def _counts():
    with connection.cursor() as cursor:
        counts = {}
        for table in shared_demo._table_names():
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
        return counts


def _group_permissions():
    """Each role group's permissions, by name: ids differ from one load to the next."""
    from django.contrib.auth.models import Group

    return {
        group.name: sorted(group.permissions.values_list("content_type__app_label", "codename"))
        for group in Group.objects.all()
    }


@pytest.mark.django_db(transaction=True)
def test_a_restored_demo_equals_a_fresh_load():
    from books.verification import verify_books

    call_command("flush", interactive=False)
    shared_demo._snapshot.update(tables=None)
    shared_demo.committed_demo()  # loaded through the services, then copied
    loaded, permissions = _counts(), _group_permissions()
    assert loaded["order_order"] > 0 and loaded["books_journalentry"] > 0

    call_command("flush", interactive=False)
    shared_demo.committed_demo()  # put back from the copy
    assert _counts() == loaded
    reports = verify_books()
    assert reports and all(report.ok for report in reports)
    assert _group_permissions() == permissions
