"""Recomputes the dashboard's per-shop daily figures from the orders and their lines."""
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from order import daily_figures


class Command(BaseCommand):
    help = (
        "Recalcule les chiffres quotidiens par pizzeria (tableau de bord) à partir des commandes et de "
        "leurs lignes : tout l'historique, ou du --debut au --fin (AAAA-MM-JJ, jours de Paris)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--debut", dest="first_day", default=None)
        parser.add_argument("--fin", dest="last_day", default=None)

    def handle(self, *args, first_day=None, last_day=None, **options):
        try:
            first = date.fromisoformat(first_day) if first_day else None
            last = date.fromisoformat(last_day) if last_day else None
        except ValueError as exc:
            raise CommandError(f"Date invalide : {exc} (format AAAA-MM-JJ).") from None
        if (first is None) != (last is None):
            raise CommandError("Indiquez --debut et --fin ensemble, ou aucun des deux (tout l'historique).")
        rows = daily_figures.rebuild(first_day=first, last_day=last)
        self.stdout.write(self.style.SUCCESS(f"{rows} journées de pizzeria recalculées."))
