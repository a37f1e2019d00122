"""Archives a period of the sales journal and closings for an auditor (issue 18, F-BOOK-3)."""
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from books.archive import check_archive, export_journal


class Command(BaseCommand):
    help = (
        "Exporte les écritures et clôtures du --du au --au (AAAA-MM-JJ, journées incluses) dans le dossier "
        "--dossier (ecritures.csv, clotures.csv, manifeste.json avec l'empreinte SHA-256 de chaque fichier, "
        "manifeste.json.hmac signé par BOOKS_ARCHIVE_KEY). --verifier DOSSIER contrôle une archive."
    )

    def add_arguments(self, parser):
        parser.add_argument("--du", dest="first_day", default=None)
        parser.add_argument("--au", dest="last_day", default=None)
        parser.add_argument("--dossier", dest="folder", default=None)
        parser.add_argument("--verifier", dest="check", default=None)

    def handle(self, *args, first_day=None, last_day=None, folder=None, check=None, **options):
        if check:
            problems = check_archive(Path(check))
            if problems:
                for problem in problems:
                    self.stderr.write(problem)
                raise CommandError("Archive non conforme.")
            self.stdout.write(self.style.SUCCESS("Archive conforme : signature et empreintes vérifiées."))
            return
        if not (first_day and last_day and folder):
            raise CommandError("Indiquez --du, --au et --dossier (ou --verifier DOSSIER).")
        try:
            first, last = date.fromisoformat(first_day), date.fromisoformat(last_day)
        except ValueError as exc:
            raise CommandError(f"Date invalide : {exc} (format AAAA-MM-JJ).") from None
        if last < first:
            raise CommandError("La fin de la période précède son début.")
        try:
            manifest = export_journal(first_day=first, last_day=last, folder=Path(folder))
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        files = ", ".join(f"{name} ({info['rows']} lignes)" for name, info in manifest["files"].items())
        self.stdout.write(self.style.SUCCESS(f"Archive écrite dans {folder} : {files}, manifeste signé."))
        if not all(item["ok"] for item in manifest["verification"]):
            self.stderr.write("Attention : le journal d'au moins une pizzeria est altéré (voir manifeste.json).")
