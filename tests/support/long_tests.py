"""Where the long tests go, so that the workers of `pytest -n N --dist worksteal` end together.

Worksteal hands each worker one contiguous block of the collected tests (the first half to one
worker, the second half to the other with two), then, when a worker runs dry, moves the tail of
the longest queue to it. A stolen tail is made of short tests; but a long test that sits near the
end of a block, or several long tests in the same block, make one worker finish minutes after
the other with nothing left to steal. So the long tests are spread over the blocks before the
run (heaviest first, each to the block with the least work so far), at the head of their block,
and everything else keeps its order.

LONG is the one table of them, from the junit times of a whole-suite run on MariaDB (2 cores,
30 November 2026, 16:53 UTC). A module given as a whole is kept on one worker: its tests share a
module-scoped fixture (the released site) or a process set-up that a second worker would pay
again. The table only moves tests: a wrong figure costs time, never a check
(tests/test_long_tests.py checks that every entry still names a test).
"""

# nodeid (a module: all its tests, kept together; or module::test, each of its parametrized
# cases) -> seconds of worker time
LONG = {
    "tests/payment/test_payment_stateful.py": 78,
    "tests/ops/test_ops_multiserver.py": 47,
    "tests/ops/test_ops_release.py": 40,
    "tests/ops/test_ops_deploy_check.py": 8,
    "tests/security/test_security_permissions_matrix.py::test_permissions_matrix": 8,
    "tests/order/test_order_transitions_matrix.py::test_matrix": 2,
    "tests/books/test_revenue_by_shop.py::test_the_vat_read_from_the_closings_is_the_sum_of_the_entries": 3.5,
    "tests/stock/test_stock_concurrency.py": 19,
    "tests/jobs/test_jobs_redis.py": 24,
    "tests/browser/test_kitchen_driver.py": 12,
    "tests/browser/test_service_kitchen.py": 8,
}


def _entry(nodeid):
    """The LONG entry of a test, or None."""
    module, _sep, rest = nodeid.partition("::")
    if module in LONG:
        return module
    function = rest.split("[", 1)[0]
    key = f"{module}::{function}"
    return key if key in LONG else None


def block_sizes(count, workers):
    """The sizes of the blocks worksteal sends first: each worker in turn gets
    len(pending) // workers left (xdist.scheduler.worksteal.check_schedule)."""
    sizes, left = [], count
    for remaining in range(workers, 0, -1):
        sizes.append(left // remaining)
        left -= sizes[-1]
    return sizes


def spread(items, workers, shares_demo=lambda item: False):
    """The items reordered: the long ones spread over `workers` blocks, near each block's head.

    A block starts with its long tests (a worker that runs dry steals the tail of another's
    queue: a long test there would be stolen last, and a module's tests sharing a fixture split),
    those without the demo first; then the tests that share the demo stay together (a test
    without the demo rolls it back, and the next one with it builds it again: about 12 s on
    MariaDB, tests/support/shared_demo.py): the long ones, the others; then the rest."""
    if workers < 2:
        return items
    units = {}  # a module's entry (its tests together) or a test's nodeid -> (its LONG entry, its items)
    for item in items:
        entry = _entry(item.nodeid)
        if entry is None or item.get_closest_marker("skip") is not None:
            continue  # a skipped test (the MariaDB-only ones on SQLite) takes no time
        key = entry if "::" not in entry else item.nodeid
        units.setdefault(key, (entry, []))[1].append(item)
    if not units:
        return items
    heads = [[] for _ in range(workers)]
    loads = [0] * workers
    for key, (entry, unit) in sorted(units.items(), key=lambda kv: (-LONG[kv[1][0]], kv[0])):
        block = loads.index(min(loads))
        heads[block].extend(unit)
        loads[block] += LONG[entry]
    placed = {id(item) for head in heads for item in head}
    rest = [item for item in items if id(item) not in placed]
    ordered = []
    for block, size in enumerate(block_sizes(len(items), workers)):
        take = max(0, size - len(heads[block]))
        part, rest = rest[:take], rest[take:]
        ordered += [item for item in heads[block] if not shares_demo(item)]
        ordered += [item for item in heads[block] + part if shares_demo(item)]
        ordered += [item for item in part if not shares_demo(item)]
    return ordered + rest
