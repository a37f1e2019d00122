"""Checks every shop's sales journal and closings (issue 18, F-BOOK-3); docs/exploitation.md."""
from django.core.management.base import BaseCommand, CommandError

from books.verification import verify_books
from pizzeria.models import Pizzeria


class Command(BaseCommand):
    help = (
        "Vérifie le journal des ventes et les clôtures de chaque pizzeria (chaîne d'empreintes SHA-256, "
        "numéros sans trou, totaux des clôtures). Code de sortie non nul et première anomalie nommée "
        "(pizzeria, n° d'écriture, ce qui diffère) si une écriture a été modifiée ou supprimée."
    )

    def add_arguments(self, parser):
        parser.add_argument("--pizzeria", dest="shop", default=None, help="identifiant (slug) d'une seule pizzeria")

    def handle(self, *args, shop=None, **options):
        shop_ids = None
        if shop:
            found = Pizzeria.objects.filter(slug=shop).values_list("pk", flat=True).first()
            if found is None:
                raise CommandError(f"Pizzeria inconnue : {shop}.")
            shop_ids = [found]
        reports = verify_books(shop_ids)
        broken = [r for r in reports if not r.ok]
        names = dict(Pizzeria.objects.filter(pk__in=[r.shop_id for r in reports]).values_list("pk", "name"))
        for report in reports:
            if report.ok:
                self.stdout.write(f"OK {names.get(report.shop_id, report.shop_id)} : {report.entries} écritures, {report.closings} clôtures intègres.")
        if broken:
            for report in broken:
                self.stderr.write(f"ANOMALIE {report.problem}")
            raise CommandError(f"Journal altéré dans {len(broken)} pizzeria(s) : voir ci-dessus la première anomalie de chacune.")
        self.stdout.write(self.style.SUCCESS(f"Journal intègre ({len(reports)} pizzeria(s))."))
