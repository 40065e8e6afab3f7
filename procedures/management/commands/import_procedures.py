"""``manage.py import_procedures FILE``: the procedure catalog from the national database's JSON
or from our CSV (docs/import-format.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from procedures.importers import FORMATS, ImportFileError, import_procedures


class Command(BaseCommand):
    help = _(
        "Nhập thủ tục hành chính từ tệp JSON (theo Cơ sở dữ liệu quốc gia về TTHC) hoặc CSV: "
        "tạo mới hoặc cập nhật theo mã thủ tục. Định dạng: docs/import-format.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help=_("tệp .json hoặc .csv"))
        parser.add_argument(
            "--format",
            dest="fmt",
            choices=FORMATS,
            help=_("định dạng tệp (mặc định: theo phần mở rộng)"),
        )
        parser.add_argument(
            "--agency",
            dest="default_agency",
            metavar="CODE",
            help=_("mã cơ quan giải quyết dùng khi dòng không xác định được cơ quan"),
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("kiểm tra toàn bộ tệp nhưng không ghi gì vào cơ sở dữ liệu"),
        )
        parser.add_argument("--encoding", help=_("bảng mã của tệp (mặc định: UTF-8, có hoặc không BOM)"))
        parser.add_argument("--no-progress", action="store_true", help=_("không hiện thanh tiến trình"))

    def handle(self, *args, file, fmt, default_agency, dry_run, encoding, no_progress, verbosity, **options):
        try:
            report = import_procedures(
                file,
                fmt=fmt,
                default_agency=default_agency,
                dry_run=dry_run,
                progress=not no_progress and verbosity > 0,
                encoding=encoding,
                progress_file=self.stderr._out,
            )
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc

        if dry_run:
            self.stdout.write(_("Chạy thử (--dry-run): không ghi gì vào cơ sở dữ liệu."))
        self.stdout.write(
            _("Tạo mới: %(created)s, cập nhật: %(updated)s, lỗi: %(failed)s, cảnh báo: %(warnings)s.")
            % {
                "created": report.created,
                "updated": report.updated,
                "failed": report.failed,
                "warnings": len(report.warnings),
            }
        )
        if report.warnings and verbosity > 0:
            self.stdout.write(_("Cảnh báo:"))
            for problem in report.warnings:
                self.stdout.write(f"  {problem}", style_func=self.style.WARNING)
        if report.errors:
            self.stdout.write(_("Lỗi:"))
            for problem in report.errors:
                self.stdout.write(f"  {problem}", style_func=self.style.ERROR)
            if dry_run:
                message = _("%(failed)s dòng lỗi (chạy thử, không ghi gì).")
            else:
                message = _("%(failed)s dòng lỗi; các dòng hợp lệ đã được nhập.")
            raise CommandError(message % {"failed": report.failed})
