from django.core.management.base import BaseCommand, CommandError
from rest_framework.exceptions import ValidationError

from accounts.machine_clients import machine_client_create
from accounts.models import Role, User


class Command(BaseCommand):
    help = "Register a machine client of the API (OAuth2 client credentials) for a service account."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="e.g. 'Phần mềm một cửa Sở Tư pháp'")
        parser.add_argument("--account", required=True, help="username of the staff service account")

    def handle(self, *args, name, account, **options):
        service_account = User.objects.filter(username=account).first()
        if service_account is None:
            raise CommandError(f"no account {account!r}")
        actor = User(role=Role.ADMIN, is_superuser=True, is_active=True)  # the operator at the console
        try:
            application, secret = machine_client_create(
                actor=actor, name=name, service_account=service_account
            )
        except ValidationError as exc:
            raise CommandError(str(exc.detail)) from exc
        self.stdout.write(f"client_id={application.client_id}\nclient_secret={secret}\n(shown once)")
