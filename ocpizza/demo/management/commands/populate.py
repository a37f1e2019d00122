from django.core.management.base import BaseCommand

from demo.populate import load_demo, load_reference


class Command(BaseCommand):
    help = "Load reference data (menu, recipes) and, unless --reference-only, the demo data. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--reference-only", action="store_true", help="Units, ingredients, menu and recipes only.")

    def handle(self, *args, **options):
        load_reference()
        self.stdout.write(self.style.SUCCESS("Données de référence chargées (unités, ingrédients, carte, recettes)."))
        if options["reference_only"]:
            return
        data = load_demo()
        self.stdout.write(self.style.SUCCESS("Données de démonstration chargées."))
        self.stdout.write(f"Comptes de démonstration (mot de passe : {data['password']}) :")
        for user in data["users"]:
            self.stdout.write(f"  {user['role']:<12} {user['email']}")
