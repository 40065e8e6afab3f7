"""Recount the statistics' daily rollup from the dossiers (all days, or some)."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from dashboards import rollup


class Command(BaseCommand):
    help = "Tính lại bảng số liệu thống kê theo ngày từ hồ sơ (tất cả, hoặc các ngày --day)."

    def add_arguments(self, parser):
        parser.add_argument("--day", action="append", default=[], help="YYYY-MM-DD, repeatable")

    def handle(self, *args, day: list[str], **options):
        try:
            days = [date.fromisoformat(d) for d in day] or None
        except ValueError as exc:
            raise CommandError(f"Ngày không hợp lệ (YYYY-MM-DD): {exc}") from exc
        cells = rollup.rebuild(days)
        self.stdout.write(self.style.SUCCESS(f"{cells} ô số liệu đã được tính lại."))
