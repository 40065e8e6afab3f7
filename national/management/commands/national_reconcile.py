from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from national.selectors import reconciliation


class Command(BaseCommand):
    help = _("Đối soát theo ngày các bản tin đồng bộ Cổng Dịch vụ công quốc gia.")

    def add_arguments(self, parser):
        parser.add_argument("--day", help="YYYY-MM-DD (default: yesterday); --to for a period")
        parser.add_argument("--to", help="YYYY-MM-DD, the last day of the period")

    def handle(self, *args, day=None, to=None, **options):
        try:
            first = date.fromisoformat(day) if day else timezone.localdate() - timedelta(days=1)
            last = date.fromisoformat(to) if to else first
        except ValueError as exc:
            raise CommandError(_("Ngày phải có dạng YYYY-MM-DD.")) from exc
        if last < first:
            raise CommandError(_("Ngày kết thúc phải sau ngày bắt đầu."))
        rows, totals = reconciliation(first, last)
        columns = ("dossiers", "messages", "sent", "refused", "failed", "pending")
        self.stdout.write("day\t" + "\t".join(columns))
        for row in rows:
            self.stdout.write(f"{row['day']:%d/%m/%Y}\t" + "\t".join(str(row[c]) for c in columns))
        self.stdout.write("total\t" + "\t".join(str(totals[c]) for c in columns))
        if totals["refused"] or totals["failed"]:
            self.stderr.write(_("Có bản tin bị từ chối hoặc gửi lỗi: xem trang đối soát."))
