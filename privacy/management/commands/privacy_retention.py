from django.core.management.base import BaseCommand

from privacy.retention import retention_sweep


class Command(BaseCommand):
    help = "Remove personal records past their retention period (privacy/retention.py)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="only count what would be removed")

    def handle(self, *args, dry_run=False, **options):
        for swept in retention_sweep(dry_run=dry_run):
            verb = "would remove" if dry_run else "removed"
            self.stdout.write(f"{swept.kind:16} kept {swept.days:5} days  {verb} {swept.count}")
