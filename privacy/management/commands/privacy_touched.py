from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.backends import find_user_by_identifier
from privacy.selectors import touched_by


class Command(BaseCommand):
    help = (
        "Print every personal record an account opened (breach readiness, docs/breach-runbook.md): "
        "time, kind, dossier, what, from where."
    )

    def add_arguments(self, parser):
        parser.add_argument("account", help="user name, phone or e-mail of the account")
        parser.add_argument("--since", help="YYYY-MM-DD: only from that day")

    def handle(self, *args, account, since=None, **options):
        user = find_user_by_identifier(account)
        if user is None:
            raise CommandError(f"no account {account!r}")
        start = None
        if since:
            try:
                start = timezone.make_aware(datetime.fromisoformat(since))
            except ValueError as exc:
                raise CommandError(f"--since {since!r}: use YYYY-MM-DD") from exc
        records = touched_by(user.pk, start)
        codes = set()
        self.stdout.write(f"# {user.username} ({user.display_name}), role {user.role}")
        self.stdout.write("at\tkind\tdossier\twhat\taddress")
        for record in records.iterator():
            codes.add(record.dossier_code)
            at = timezone.localtime(record.at).strftime("%Y-%m-%d %H:%M:%S")
            line = f"{at}\t{record.kind}\t{record.dossier_code}\t{record.what}\t{record.address or ''}"
            self.stdout.write(line)
        codes.discard("")
        self.stdout.write(f"# {len(codes)} dossiers: {' '.join(sorted(codes))}")
