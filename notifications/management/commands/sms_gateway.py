"""Serve the loopback SMS gateway (``notifications/loopback_gateway.py``) for a demo: run it, then
the portal with ``SMS_BACKEND=http SMS_GATEWAY_URL=http://127.0.0.1:8125/sms SMS_GATEWAY_DEDUPES=1``."""

import time

from django.core.management.base import BaseCommand

from notifications.loopback_gateway import LoopbackSmsGateway


class Command(BaseCommand):
    help = "Serve an SMS gateway on loopback that prints each SMS and drops repeats of a reference."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8125)
        parser.add_argument(
            "--no-dedupe", action="store_true", help="deliver every request, as a gateway that cannot dedupe"
        )

    def handle(self, *args, port, no_dedupe, **options):
        def show(message):
            self.stdout.write(
                f"SMS {message['id']} (ref {message['key']}) to {message['to']}: {message['text']}"
            )

        gateway = LoopbackSmsGateway(port=port, dedupe=not no_dedupe, on_delivery=show).start()
        self.stdout.write(f"SMS gateway on {gateway.url} (dedupe: {not no_dedupe}); Ctrl+C to stop")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            gateway.stop()
