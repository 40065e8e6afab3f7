"""Catalog pull from the national procedure database (``LayDanhSachTTHC`` then ``LayThuTuc`` for
each procedure, on the portal's sharing endpoint), through the existing importer.

A pull only reads and reports: new procedures, changed ones (name, field, agency, time, online
level, fees) and withdrawn ones (ours, active, absent from the national list). An administrator
approves it (``catalog_pull_apply``), which imports the items with ``import_procedures`` — the
routing and on-the-spot settings the province made are kept, as a re-import keeps them — and
withdraws the absent procedures. National codes are translated to ours by the mapping table.
"""

import json
import tempfile
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import require
from national import client as portal
from national.models import CatalogPull, ProcedureCode, PullStatus
from procedures.importers import ImportFileError, import_procedures
from procedures.importers.national import parse_national_item
from procedures.models import Procedure
from procedures.services import CatalogError, procedures_withdraw


class PullError(Exception):
    """The pull could not be made or applied: nothing was changed."""


def _ours(national_code: str, mapping: dict[str, str]) -> str:
    return mapping.get(national_code, national_code)


def _fetch() -> list[dict]:
    client = portal.client()
    listing = client.share({"service": "LayDanhSachTTHC"})
    if not listing.accepted:
        raise PullError(_("Cổng từ chối LayDanhSachTTHC: %(m)s") % {"m": listing.message})
    items = []
    for row in listing.raw.get("result") or []:
        code = str(row.get("MATTHC") or "").strip()
        if not code:
            continue
        answer = client.share({"service": "LayThuTuc", "maTTHC": code})
        if not answer.accepted:
            raise PullError(_("Cổng từ chối LayThuTuc %(c)s: %(m)s") % {"c": code, "m": answer.message})
        items += [item for item in answer.raw.get("result") or [] if isinstance(item, dict)]
    if not items:
        # An empty list would report every procedure of ours as withdrawn.
        raise PullError(_("Cổng trả về danh mục rỗng: không lập báo cáo thay đổi."))
    return items


def _differences(procedure: Procedure, item: dict) -> list[str]:
    try:
        data = parse_national_item(item, warnings=[])
    except CatalogError:
        return [_("dữ liệu không đọc được")]
    fees = sorted((f.kind, f.name, f.amount) for f in procedure.fees.all())
    wanted = sorted((f.kind, f.name, f.amount) for f in data.fees)
    checks = [
        (_("tên"), procedure.name, data.name),
        (_("lĩnh vực"), procedure.field.code, data.field_code),
        (_("cơ quan"), procedure.agency.code, data.agency_code),
        (_("thời hạn"), Decimal(procedure.processing_days), Decimal(data.processing_days)),
        (_("mức độ trực tuyến"), procedure.online_level, data.online_level),
        (_("phí, lệ phí"), fees, wanted),
    ]
    return [str(label) for label, ours, theirs in checks if ours != theirs]


def catalog_pull() -> CatalogPull:
    """Fetch the national catalog and write the change report, waiting for approval."""
    if not portal.configured():
        raise PullError(_("Chưa cấu hình Cổng Dịch vụ công quốc gia (NATIONAL_PORTAL_URL)."))
    try:
        fetched = _fetch()
    except portal.PortalUnavailable as exc:
        raise PullError(_("Không lấy được danh mục: %(e)s") % {"e": exc}) from exc
    mapping = {m.national_code: m.code for m in ProcedureCode.objects.all()}
    items = [{**item, "MATTHC": _ours(str(item.get("MATTHC", "")), mapping)} for item in fetched]
    existing = {
        p.code: p
        for p in Procedure.objects.select_related("field", "agency")
        .prefetch_related("fees")
        .filter(code__in=[item["MATTHC"] for item in items])
    }
    new, changed = [], []
    for item in items:
        procedure = existing.get(item["MATTHC"])
        if procedure is None:
            new.append({"code": item["MATTHC"], "name": str(item.get("TENTTHC", ""))})
        else:
            fields = _differences(procedure, item)
            if fields:
                changed.append({"code": procedure.code, "name": procedure.name, "fields": fields})
    codes = {item["MATTHC"] for item in items}
    withdrawn = [
        {"code": code, "name": name}
        for code, name in Procedure.objects.filter(is_active=True)
        .exclude(code__in=codes)
        .order_by("code")
        .values_list("code", "name")
    ]
    return CatalogPull.objects.create(items=items, new=new, changed=changed, withdrawn=withdrawn)


def catalog_pull_apply(*, actor, pull: CatalogPull) -> CatalogPull:
    """Apply an approved pull: import its items (each row its own transaction, as the importer
    does) and withdraw the procedures absent from the national list."""
    require(actor, "catalog.manage")
    with transaction.atomic():
        pull = CatalogPull.objects.select_for_update().get(pk=pull.pk)
        if pull.status != PullStatus.WAITING:
            raise PullError(_("Lần lấy danh mục này đã được xử lý."))
        pull.status = PullStatus.APPLIED
        pull.decided_at = timezone.now()
        pull.decided_by = actor
        pull.save()
    try:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "national-catalog.json"
            path.write_text(json.dumps(pull.items, ensure_ascii=False), encoding="utf-8")
            report = import_procedures(path, fmt="json")
    except Exception as exc:
        # Nothing was imported: the report waits for another try instead of reading "applied".
        CatalogPull.objects.filter(pk=pull.pk).update(
            status=PullStatus.WAITING, decided_at=None, decided_by=None
        )
        if isinstance(exc, ImportFileError):
            raise PullError(_("Không nhập được danh mục: %(e)s") % {"e": exc}) from exc
        raise
    procedures_withdraw(codes=[row["code"] for row in pull.withdrawn])
    pull.problems = [{"code": p.code, "reason": p.reason, "error": True} for p in report.errors] + [
        {"code": p.code, "reason": p.reason, "error": False} for p in report.warnings
    ]
    pull.save(update_fields=["problems"])
    return pull


@transaction.atomic
def catalog_pull_discard(*, actor, pull: CatalogPull) -> CatalogPull:
    require(actor, "catalog.manage")
    pull = CatalogPull.objects.select_for_update().get(pk=pull.pk)
    if pull.status != PullStatus.WAITING:
        raise PullError(_("Lần lấy danh mục này đã được xử lý."))
    pull.status = PullStatus.DISCARDED
    pull.decided_at = timezone.now()
    pull.decided_by = actor
    pull.save()
    return pull
