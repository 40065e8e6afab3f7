import time

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from national.services import sync_sweep


class Command(BaseCommand):
    help = _("Gửi các bản tin đồng bộ đang chờ lên Cổng Dịch vụ công quốc gia (--loop: gửi liên tục).")

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="keep sending every --interval seconds")
        parser.add_argument("--interval", type=float, default=2.0)

    def handle(self, *args, loop=False, interval=2.0, **options):
        while True:
            outcome = sync_sweep()
            if any(outcome.values()) or not loop:
                self.stdout.write(" ".join(f"{key}={value}" for key, value in outcome.items()))
            if not loop:
                return
            time.sleep(interval)
