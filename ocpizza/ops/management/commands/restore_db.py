from django.core.management.base import BaseCommand, CommandError

from ops.backups import BackupError, latest_backup, restore_database


class Command(BaseCommand):
    help = (
        "Remplace TOUTE la base par une sauvegarde de backup_db (O-7). Arrêtez l'application avant "
        "(supervisorctl stop ocpizza), relancez-la après."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="Fichier .sql.gz (MySQL/MariaDB) ou .sqlite3.gz (SQLite).")
        parser.add_argument("--latest", action="store_true", help="La plus récente sauvegarde de cette base dans --dir.")
        parser.add_argument("--dir", dest="directory", default=None, help="Dossier des sauvegardes (BACKUP_DIR).")
        parser.add_argument("--database", default="default", help="Alias de la base dans DATABASES.")
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive", help="Ne pas demander de confirmation.")

    def handle(self, *args, **options):
        if bool(options["file"]) == options["latest"]:
            raise CommandError("Indiquez soit un fichier de sauvegarde, soit --latest.")
        try:
            path = options["file"] or latest_backup(directory=options["directory"], alias=options["database"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if options["interactive"]:
            answer = input(f"Toutes les données actuelles seront remplacées par {path}. Tapez « oui » pour continuer : ")
            if answer.strip().lower() != "oui":
                raise CommandError("Restauration annulée : rien n'a été modifié.")
        try:
            restore_database(path=path, alias=options["database"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Base restaurée depuis {path}. Lancez release-tasks.sh si le code est plus récent que la sauvegarde."))
