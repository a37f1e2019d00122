import logging

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ops.backups import BackupError, backup_database

logger = logging.getLogger("ops.backup")


class Command(BaseCommand):
    help = (
        "Sauvegarde toute la base (mysqldump pour MySQL/MariaDB, copie du fichier pour SQLite) dans un "
        "fichier daté et compressé, et ne garde que les plus récentes (O-7). Lancée chaque nuit par cron."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dir", dest="directory", default=None, help=f"Dossier des sauvegardes (BACKUP_DIR, {settings.BACKUP_DIR}).")
        parser.add_argument("--keep", type=int, default=None, help=f"Nombre de sauvegardes gardées (BACKUP_KEEP, {settings.BACKUP_KEEP}).")
        parser.add_argument("--database", default="default", help="Alias de la base dans DATABASES.")

    def handle(self, *args, **options):
        try:
            path = backup_database(directory=options["directory"], keep=options["keep"], alias=options["database"])
        except BackupError as exc:
            # An ERROR log line reaches ocpizza-errors.log and Sentry: a night without backup is noticed.
            logger.error("Sauvegarde de la base échouée : %s", exc)
            raise CommandError(str(exc)) from exc
        size_kb = path.stat().st_size / 1024
        self.stdout.write(self.style.SUCCESS(f"Sauvegarde écrite : {path} ({size_kb:.0f} Ko)."))
