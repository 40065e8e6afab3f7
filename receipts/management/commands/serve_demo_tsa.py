"""``manage.py serve_demo_tsa [--port 8318]``: the demo RFC 3161 time-stamping server on loopback
(``receipts.timestamp_server``), issued by the demo root in HCC_SIGNING_DIR (``seed_demo`` makes
it). Point HCC_SIGNING_TSA_URL at it to sign papers with a timestamp."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from receipts.signing import DEMO_ROOT
from receipts.timestamp_server import make_server


class Command(BaseCommand):
    help = _("Chạy máy chủ cấp dấu thời gian (RFC 3161) trình diễn trên 127.0.0.1.")

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8318)

    def handle(self, *args, port: int, **options):
        folder = Path(settings.HCC_SIGNING_DIR)
        if not (folder / DEMO_ROOT).is_file():
            raise CommandError(_("Chưa có chuỗi chứng thư số trình diễn: chạy manage.py seed_demo trước."))
        server = make_server(folder, port=port)
        self.stdout.write(
            _("Máy chủ dấu thời gian: http://127.0.0.1:%(port)s/ (HCC_SIGNING_TSA_URL)") % {"port": port}
        )
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
