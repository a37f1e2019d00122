from django.core.management.base import BaseCommand

from account.services import setup_role_groups


class Command(BaseCommand):
    help = "Create or refresh the head office and role groups and their permissions (idempotent)."

    def handle(self, *args, **options):
        groups = setup_role_groups()
        for group in groups:
            self.stdout.write(f"{group.name}: {group.permissions.count()} permissions")
