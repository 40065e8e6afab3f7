"""``manage.py import_dossiers FILE``: the dossier history of a legacy one-stop system (CSV).

Columns (header row, any order): code, procedure_code, agency_code, intake_office_code, channel
(counter|online|postal), applicant_name, received_at, due_at, status, result_ready_at, returned_at.
Times in ISO 8601, local time when no offset; an empty due_at is computed from the procedure; the
status is our name or the national code 1–10. Running it again with the same file adds nothing.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from dossiers.history import BATCH_SIZE, HistoryFileError, count_rows, import_history


class Command(BaseCommand):
    help = _(
        "Nhập lịch sử hồ sơ từ hệ thống một cửa cũ (CSV có dòng tiêu đề: code, procedure_code, "
        "agency_code, intake_office_code, channel, applicant_name, received_at, due_at, status, "
        "result_ready_at, returned_at). Hồ sơ đã có (theo mã) được bỏ qua; dòng lỗi được báo kèm số dòng."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help=_("tệp .csv"))
        parser.add_argument("--no-progress", action="store_true", help=_("không hiện thanh tiến trình"))
        parser.add_argument(
            "--batch-size", type=int, default=BATCH_SIZE, help=_("số dòng ghi trong một giao dịch")
        )

    def handle(self, *args, file: Path, no_progress: bool, batch_size: int, verbosity: int, **options):
        if not file.is_file():
            raise CommandError(_("Không có tệp %(path)s.") % {"path": file})
        bar = None
        if not no_progress and verbosity > 0:
            bar = tqdm(total=count_rows(file), unit=_(" dòng"), file=self.stderr._out, mininterval=0.5)
        try:
            report = import_history(file, progress=bar.update if bar else None, batch_size=max(1, batch_size))
        except HistoryFileError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            if bar:
                bar.close()
        self.stdout.write(
            _("Đã đọc %(read)s dòng: nhập mới %(created)s, đã có %(existing)s, lỗi %(failed)s.")
            % {
                "read": report.read,
                "created": report.created,
                "existing": report.existing,
                "failed": report.failed,
            }
        )
        if report.errors:
            self.stdout.write(_("Lỗi:"))
            for problem in report.errors:
                self.stdout.write(f"  {problem}", style_func=self.style.ERROR)
            raise CommandError(
                _("%(failed)s dòng lỗi; các dòng hợp lệ đã được nhập.") % {"failed": report.failed}
            )
