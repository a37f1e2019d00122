from django.db import migrations


def create(apps, schema_editor):
    from books.immutability import create_triggers

    create_triggers(schema_editor)


def drop(apps, schema_editor):
    from books.immutability import drop_triggers

    drop_triggers(schema_editor)


class Migration(migrations.Migration):
    """Database triggers: journal entries and closings are never updated nor deleted, chain heads
    never deleted (books/immutability.py, MariaDB/MySQL and SQLite)."""

    dependencies = [("books", "0003_i18_journal")]

    # Not atomic: MySQL cannot run DDL inside a transaction (Django refuses it).
    operations = [migrations.RunPython(create, drop, atomic=False)]
