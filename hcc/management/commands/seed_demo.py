"""``manage.py seed_demo [--dossiers N]``: the demo data of an imaginary province (tỉnh Sơn Hà).

Loads the agencies, imports the procedure catalog through the catalog importer (so the demo
also exercises it) and creates one account per role. Running it again changes nothing.
"""

import json
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from tqdm import tqdm

from accounts.demo import demo_reviewers, seed_demo_users
from counters.demo import seed_demo_queue
from dossiers.demo import MADE_BY_SERVICES, seed_demo_dossiers
from procedures.importers import ImportFileError, import_procedures
from procedures.services import CatalogError, agency_upsert
from receipts.demo import seed_demo_receipts
from surveys.demo import seed_demo_kiosks, seed_demo_surveys


def demo_dir() -> Path:
    return Path(apps.get_app_config("procedures").path) / "demo"


def load_agencies(path: Path) -> list[dict]:
    """The agencies of ``agencies.json``, parents before children."""
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))["agencies"]
    except (OSError, ValueError, KeyError) as exc:
        raise CommandError(_("Không đọc được %(path)s: %(error)s") % {"path": path, "error": exc}) from exc
    ordered: list[dict] = []
    placed: set[str] = set()
    pending = list(rows)
    while pending:
        ready = [row for row in pending if not row.get("parent") or row["parent"] in placed]
        if not ready:
            codes = ", ".join(row["code"] for row in pending)
            raise CommandError(
                _("Cơ quan cấp trên không có trong danh mục mẫu: %(codes)s.") % {"codes": codes}
            )
        for row in ready:
            ordered.append(row)
            placed.add(row["code"])
        pending = [row for row in pending if row["code"] not in placed]
    return ordered


class Command(BaseCommand):
    help = _(
        "Nạp dữ liệu trình diễn của tỉnh giả định Sơn Hà: cơ quan, danh mục thủ tục (qua chức năng "
        "nhập thủ tục), một tài khoản cho mỗi vai trò và (--dossiers N) hồ sơ mẫu ở mọi giai đoạn. "
        "Chạy lại nhiều lần không tạo bản ghi trùng."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dossiers",
            type=int,
            default=0,
            metavar="N",
            help=_("số hồ sơ mẫu cần tạo (mặc định 0)"),
        )

    def handle(self, *args, dossiers: int, verbosity: int, **options):
        if dossiers < 0:
            raise CommandError(_("--dossiers phải là số không âm."))
        folder = demo_dir()
        with transaction.atomic():
            agencies = load_agencies(folder / "agencies.json")
            for row in agencies:
                try:
                    agency_upsert(
                        code=row["code"],
                        name=row["name"],
                        short_name=row.get("short_name", ""),
                        level=row["level"],
                        kind=row["kind"],
                        parent_code=row.get("parent"),
                        has_one_stop_desk=row.get("has_one_stop_desk", False),
                        address=row.get("address", ""),
                    )
                except CatalogError as exc:
                    raise CommandError(
                        _("Cơ quan %(code)s: %(error)s")
                        % {"code": row["code"], "error": " ".join(exc.messages)}
                    ) from exc
            self.stdout.write(_("Cơ quan: %(count)s.") % {"count": len(agencies)})

            try:
                report = import_procedures(folder / "catalog.json", fmt="json")
            except ImportFileError as exc:
                raise CommandError(str(exc)) from exc
            if report.errors:
                problems = "\n".join(str(problem) for problem in report.errors)
                raise CommandError(
                    _("Danh mục thủ tục mẫu có %(count)s lỗi, không nạp gì:\n%(problems)s")
                    % {"count": len(report.errors), "problems": problems}
                )
            self.stdout.write(
                _("Thủ tục: tạo mới %(created)s, cập nhật %(updated)s, cảnh báo %(warnings)s.")
                % {"created": report.created, "updated": report.updated, "warnings": len(report.warnings)}
            )
            if verbosity > 1:
                for warning in report.warnings:
                    self.stdout.write(f"  {warning}")

            try:
                logins = seed_demo_users(self.stdout if verbosity > 1 else None)
            except ValidationError as exc:
                raise CommandError(
                    _("Không tạo được tài khoản trình diễn: %(error)s") % {"error": " ".join(exc.messages)}
                ) from exc
            made_services, made_counters = seed_demo_queue()
            self.stdout.write(
                _("Xếp hàng: tạo mới %(services)s dịch vụ, %(counters)s quầy.")
                % {"services": made_services, "counters": made_counters}
            )

        if dossiers:
            try:
                bar = None
                if dossiers > MADE_BY_SERVICES and verbosity > 0:
                    bar = tqdm(total=dossiers - MADE_BY_SERVICES, unit=_(" hồ sơ"), file=self.stderr._out)
                made = seed_demo_dossiers(dossiers, progress=bar.update if bar else None)
                if bar:
                    bar.close()
            except ValidationError as exc:
                raise CommandError(
                    _("Không tạo được hồ sơ mẫu: %(error)s") % {"error": " ".join(exc.messages)}
                ) from exc
            self.stdout.write(_("Hồ sơ mẫu: tạo mới %(count)s.") % {"count": made})
            self.stdout.write(_("Biên lai mẫu: %(count)s.") % {"count": seed_demo_receipts()})
            ratings, feedback = seed_demo_surveys()
            self.stdout.write(
                _("Đánh giá, phản ánh: tạo mới %(ratings)s đánh giá, %(feedback)s phản ánh.")
                % {"ratings": ratings, "feedback": feedback}
            )
            self.stdout.write(
                _("Máy tính bảng đánh giá tại quầy: cấp mới %(count)s địa chỉ (xem ở %(url)s).")
                % {
                    "count": seed_demo_kiosks(),
                    "url": settings.HCC_SITE_URL.rstrip("/") + reverse("surveys:kiosks"),
                }
            )

        self.stdout.write("")
        self.stdout.write(_("Cổng dịch vụ: %(url)s") % {"url": settings.HCC_SITE_URL})
        self.stdout.write(_("Tài khoản trình diễn:"))
        header = (_("Vai trò"), _("Tên đăng nhập"), _("Mật khẩu"))
        widths = [max(len(row[i]) for row in (header, *logins)) for i in range(3)]
        for row in (header, tuple("-" * w for w in widths), *logins):
            cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
            self.stdout.write(("  " + "  ".join(cells)).rstrip())
        reviewers = ", ".join(f"{login} ({agency})" for agency, login in demo_reviewers())
        self.stdout.write(
            _("Chuyên viên các cơ quan trên quy trình (cùng mật khẩu): %(list)s") % {"list": reviewers}
        )
