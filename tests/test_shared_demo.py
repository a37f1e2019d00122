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


def _content_types_and_permissions():
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    return (
        sorted(ContentType.objects.values_list("app_label", "model")),
        sorted(Permission.objects.values_list("content_type__app_label", "content_type__model", "codename", "name")),
    )


@pytest.mark.django_db(transaction=True)
def test_the_flush_puts_back_what_post_migrate_makes():
    """tests/support/flush_snapshot.py: after a flush, the content types and permissions put back
    are those that post_migrate alone makes in empty tables."""
    from django.contrib.contenttypes.models import ContentType
    from django.core.management.commands import flush as flush_command

    call_command("flush", verbosity=0, interactive=False)
    call_command("flush", verbosity=0, interactive=False)  # the copy is taken by now: put back
    restored = _content_types_and_permissions()
    assert restored[0] and restored[1]
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM auth_permission")
        cursor.execute("DELETE FROM django_content_type")
    ContentType.objects.clear_cache()
    flush_command.emit_post_migrate_signal.original(0, False, "default")
    assert _content_types_and_permissions() == restored
