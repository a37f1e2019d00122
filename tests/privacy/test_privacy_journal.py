"""Erasing a customer leaves the sales journal untouched (issue 18, F-BOOK-3, F-BOOK-4): the same
rows, and `verify_journal` still finds the chain intact."""
import pytest
from django.core import serializers
from django.core.management import call_command

from books.models import Closing, JournalEntry
from privacy.services import erase_customer
from tests.privacy.scene import two_customers

pytestmark = pytest.mark.django_db


def journal():
    return serializers.serialize("json", JournalEntry.objects.order_by("pk")) + serializers.serialize(
        "json", Closing.objects.order_by("pk"))


def test_erasing_a_customer_keeps_the_journal_identical_and_verified(capsys):
    scene = two_customers()
    before = journal()
    assert JournalEntry.objects.filter(order_number=scene.alice_orders[0].number).exists()
    call_command("verify_journal")

    erase_customer(user=scene.alice)

    assert journal() == before
    call_command("verify_journal")  # raises CommandError on any broken entry
    assert "Journal intègre" in capsys.readouterr().out
    for trace in scene.alice_traces:
        assert trace not in before
