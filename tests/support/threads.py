"""Real concurrency for the MariaDB tests: threads started together, each on its own connection."""
import threading

from django.db import connection


def run_together(count, target):
    """Run target(0) … target(count - 1) in `count` threads released at the same instant; returns
    what each returned, or the exception it raised, by index (the tests look at each thread)."""
    barrier = threading.Barrier(count)
    results = [None] * count

    def worker(index):
        try:
            barrier.wait()
            results[index] = target(index)
        except Exception as exc:  # noqa: BLE001 — the test looks at what each thread got
            results[index] = exc
        finally:
            connection.close()  # each thread opened its own

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
