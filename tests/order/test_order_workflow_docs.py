"""The transitions table is one: docs/order-workflow.md shows exactly what order.workflow allows."""
from django.conf import settings

from order.workflow import TRANSITIONS, markdown_table


def test_docs_show_the_code_table():
    text = (settings.REPO_DIR / "docs" / "order-workflow.md").read_text(encoding="utf-8")
    assert markdown_table() in text
    assert len(TRANSITIONS) == markdown_table().count("_order` |")
