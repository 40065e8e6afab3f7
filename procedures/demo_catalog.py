"""The catalog's part of ``manage.py seed_demo``: the agencies of an imaginary province (tỉnh Sơn
Hà) and its procedure catalog, imported through the catalog importer (so the demo also exercises
it) from ``procedures/demo/``. Running it again changes nothing."""

import json
from pathlib import Path

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from procedures.importers import ImportFileError, import_procedures
from procedures.services import CatalogError, agency_upsert


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


@transaction.atomic
def load_demo(command: BaseCommand, *, dossiers: int, verbosity: int) -> None:
    """``seed_demo``'s loader (settings.HCC_DEMO_LOADERS): agencies, then the catalog."""
    folder = demo_dir()
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
                _("Cơ quan %(code)s: %(error)s") % {"code": row["code"], "error": " ".join(exc.messages)}
            ) from exc
    command.stdout.write(_("Cơ quan: %(count)s.") % {"count": len(agencies)})

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
    command.stdout.write(
        _("Thủ tục: tạo mới %(created)s, cập nhật %(updated)s, cảnh báo %(warnings)s.")
        % {"created": report.created, "updated": report.updated, "warnings": len(report.warnings)}
    )
    if verbosity > 1:
        for warning in report.warnings:
            command.stdout.write(f"  {warning}")
