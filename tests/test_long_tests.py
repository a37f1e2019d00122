"""The long tests' table and how they are spread over the workers (tests/support/long_tests.py)."""
import ast
from pathlib import Path

import pytest

from tests.support import long_tests

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("entry", sorted(long_tests.LONG))
def test_every_entry_names_a_test(entry):
    module, _sep, function = entry.partition("::")
    path = ROOT / module
    assert path.is_file(), f"{module} is gone: update long_tests.LONG"
    if function:
        names = {node.name for node in ast.walk(ast.parse(path.read_text())) if isinstance(node, ast.FunctionDef)}
        assert function in names, f"{entry} is gone: update long_tests.LONG"


class Item:
    def __init__(self, nodeid, skipped=False):
        self.nodeid, self.skipped = nodeid, skipped

    def get_closest_marker(self, name):
        return object() if name == "skip" and self.skipped else None

    def __repr__(self):
        return self.nodeid


def test_the_long_tests_go_to_the_heads_of_different_blocks_and_the_rest_keeps_its_order(monkeypatch):
    monkeypatch.setattr(long_tests, "LONG", {"t/a.py": 100, "t/b.py::test_b": 60, "t/c.py": 50})
    items = [Item(f"t/x.py::test_{n}") for n in range(10)]
    items[3:3] = [Item("t/a.py::test_1"), Item("t/a.py::test_2")]  # one module: kept together
    items[8:8] = [Item("t/b.py::test_b[1]"), Item("t/b.py::test_b[2]")]  # 60 each
    items.append(Item("t/c.py::test_c"))
    ordered = long_tests.spread(items, 2)

    assert sorted(map(id, ordered)) == sorted(map(id, items))  # the same tests, each once
    first, second = ordered[:len(items) // 2], ordered[len(items) // 2:]
    # a (100) to the first block; b[1] (60) to the second; b[2] (60) to the second (60 < 100);
    # c (50) to the first (100 < 120). Each block starts with its long tests.
    assert [i.nodeid for i in first[:3]] == ["t/a.py::test_1", "t/a.py::test_2", "t/c.py::test_c"]
    assert [i.nodeid for i in second[:2]] == ["t/b.py::test_b[1]", "t/b.py::test_b[2]"]
    rest = [i.nodeid for i in ordered if i.nodeid.startswith("t/x.py")]
    assert rest == [f"t/x.py::test_{n}" for n in range(10)]


def test_a_skipped_long_test_takes_no_time_and_one_worker_changes_nothing(monkeypatch):
    monkeypatch.setattr(long_tests, "LONG", {"t/a.py": 100, "t/m.py": 500})
    items = [Item("t/x.py::test_1"), Item("t/m.py::test_m", skipped=True), Item("t/x.py::test_2"), Item("t/a.py::test_a")]
    assert long_tests.spread(items, 1) == items
    assert [i.nodeid for i in long_tests.spread(items, 2)][:1] == ["t/a.py::test_a"]


def test_block_sizes_follow_worksteal():
    assert long_tests.block_sizes(895, 2) == [447, 448]
    assert long_tests.block_sizes(10, 3) == [3, 3, 4]


def test_a_block_starts_with_its_long_tests_and_keeps_the_demo_tests_together(monkeypatch):
    monkeypatch.setattr(long_tests, "LONG", {"t/slow.py": 100, "t/demo_slow.py": 90})
    items = [Item("t/demo.py::test_1"), Item("t/demo.py::test_2"), Item("t/x.py::test_1"), Item("t/x.py::test_2"),
             Item("t/slow.py::test_s"), Item("t/demo_slow.py::test_d")]
    ordered = long_tests.spread(items, 2, shares_demo=lambda item: "demo" in item.nodeid)
    # slow (100) to the first block, demo_slow (90) to the second; each block: long tests without
    # the demo, long demo tests, other demo tests, the rest.
    assert [i.nodeid for i in ordered] == [
        "t/slow.py::test_s", "t/demo.py::test_1", "t/demo.py::test_2",
        "t/demo_slow.py::test_d", "t/x.py::test_1", "t/x.py::test_2",
    ]
