"""Closes the books of every shop (issue 18, F-BOOK-3): the Z of each finished service day, and
the month and the year when they end. Idempotent: what is closed stays as it is."""
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from books.closings import close_books
from books.models import JournalHead
from pizzeria.models import Pizzeria


class Command(BaseCommand):
    help = (
        "Clôture les journées (Z), mois et années terminés de chaque pizzeria, jusqu'à hier ou jusqu'au "
        "--jusqu-au AAAA-MM-JJ (jamais aujourd'hui). Sans effet sur ce qui est déjà clôturé."
    )

    def add_arguments(self, parser):
        parser.add_argument("--jusqu-au", dest="until", default=None)
        parser.add_argument("--pizzeria", dest="shop", default=None, help="identifiant (slug) d'une seule pizzeria")

    def handle(self, *args, until=None, shop=None, **options):
        try:
            until = date.fromisoformat(until) if until else None
        except ValueError:
            raise CommandError(f"Date invalide : {until} (format AAAA-MM-JJ).") from None
        shop_ids = list(JournalHead.objects.values_list("shop_id", flat=True))
        if shop:
            found = Pizzeria.objects.filter(slug=shop).values_list("pk", flat=True).first()
            if found is None:
                raise CommandError(f"Pizzeria inconnue : {shop}.")
            shop_ids = [found] if found in shop_ids else []
        total = 0
        for shop_id in shop_ids:
            written = close_books(shop_id=shop_id, until=until)
            for closing in written:
                self.stdout.write(f"{closing.get_kind_display()} pizzeria {shop_id} du {closing.period_start:%d/%m/%Y} : "
                                  f"{closing.total_ttc} € TTC, grand total {closing.grand_total} €")
            total += len(written)
        self.stdout.write(self.style.SUCCESS(f"{total} clôture(s) écrite(s)."))
