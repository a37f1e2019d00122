from django.core.management.base import BaseCommand

from ops.maintenance import run_weekly_maintenance


class Command(BaseCommand):
    help = (
        "Maintenance hebdomadaire de la base (O-6, lundi 01:00) : sessions expirées, données personnelles au-delà "
        "de leur durée de conservation (RGPD), anciennes tentatives "
        "de connexion, historique au-delà de la durée de conservation, OPTIMIZE/ANALYZE des grosses tables."
    )

    def add_arguments(self, parser):
        parser.add_argument("--history-days", type=int, default=None, help="Conservation de l'historique (HISTORY_RETENTION_DAYS).")
        parser.add_argument("--axes-days", type=int, default=None, help="Conservation des journaux de connexion (AXES_RETENTION_DAYS).")

    def handle(self, *args, **options):
        run_weekly_maintenance(history_days=options["history_days"], axes_days=options["axes_days"], stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Maintenance hebdomadaire terminée."))
