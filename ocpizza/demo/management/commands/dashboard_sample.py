"""Adds a synthetic order history so that the demo's dashboard has something to show."""
from datetime import timedelta

from django.core.management.base import BaseCommand

from dashboard.forms import paris_today
from demo.sample import generate_orders
from order.models import Order
from pizzeria.models import Pizzeria
from product.models import Product


class Command(BaseCommand):
    help = "Ajoute un historique de commandes fictives (tableau de bord de démonstration)."

    def add_arguments(self, parser):
        parser.add_argument("--orders", type=int, default=3000)
        parser.add_argument("--days", type=int, default=60)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, orders, days, seed, **options):
        if Order.objects.filter(number__startswith="DEMO-").exists():
            self.stdout.write("Historique de démonstration déjà présent.")
            return
        today = paris_today()
        made = generate_orders(
            pizzerias=list(Pizzeria.objects.filter(status=Pizzeria.Status.OPEN)),
            products=list(Product.objects.filter(is_active=True)),
            count=orders,
            first_day=today - timedelta(days=days - 1),
            last_day=today - timedelta(days=1),
            seed=seed,
            prefix="DEMO",
        )
        self.stdout.write(self.style.SUCCESS(f"{made} commandes fictives ajoutées sur {days} jours."))
