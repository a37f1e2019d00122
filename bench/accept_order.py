"""Time and query count of order.services.accept_order (F-OM-2).

Runs on a throw-away test database (SQLite by default; DATABASE_URL=mysql://… for MariaDB),
loads the demo data, then accepts orders of 1 and of 5 lines. Prints the median time and the
number of queries of each: the count must not grow with lines or ingredients.

    .venv/bin/python bench/accept_order.py [repetitions]
"""
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "ocpizza"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ocpizza.settings")
os.environ.setdefault("APP_ENV", "test")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")


def main(repetitions=20):
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from account.models import User
        from order.services import accept_order, place_order
        from pizzeria.models import Pizzeria
        from pizzeria.services import count_stock
        from product.models import Ingredient, Product, RecipeLine
        from demo.populate import load_demo, load_reference

        load_reference()
        load_demo()
        shop = Pizzeria.objects.get(slug="bastille")
        pizzaiolo = User.objects.get(email="pizzaiolo@ocpizza.fr")
        customer = User.objects.get(email="client@ocpizza.fr")
        for ingredient in Ingredient.objects.all():  # plenty for every repetition
            count_stock(pizzeria=shop, ingredient=ingredient, counted=10**6)
        pizzas = list(
            Product.objects.filter(category="pizza", is_active=True, recipe_lines__isnull=False).distinct()[:5]
        )
        ingredients_5 = RecipeLine.objects.filter(product__in=pizzas).values("ingredient").distinct().count()

        def measure(products):
            times, counts = [], []
            for _ in range(repetitions):
                order = place_order(
                    pizzeria=shop, customer=customer, lines=[(p, 2) for p in products], fulfilment="pickup",
                    payment_method="on_delivery", channel="web", by=customer,
                )
                pizzaiolo = User.objects.get(pk=pizzaiolo_pk)  # fresh user: role cache not warmed
                with CaptureQueriesContext(connection) as queries:
                    start = time.perf_counter()
                    accept_order(order, by=pizzaiolo)
                    times.append(time.perf_counter() - start)
                counts.append(len(queries))
            return statistics.median(times), max(counts)

        pizzaiolo_pk = pizzaiolo.pk
        t1, q1 = measure(pizzas[:1])
        t5, q5 = measure(pizzas)
        print(f"database: {connection.vendor}, {repetitions} repetitions each")
        print(f"accept_order, 1 line  ({pizzas[0].recipe_lines.count()} ingredients): median {t1 * 1000:.1f} ms, {q1} queries")
        print(f"accept_order, 5 lines ({ingredients_5} distinct ingredients): median {t5 * 1000:.1f} ms, {q5} queries")
        print(f"time ratio 5 lines / 1 line: {t5 / t1:.2f}; extra queries for 4 more lines: {q5 - q1}")
        print("(query counts include the 2 reads of the status e-mail sent after the commit)")
        return 0 if q5 == q1 else 1
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 20))
