"""What a dossier event tells the national public service portal (Cổng Dịch vụ công quốc gia).

Two operations of the portal's adapter, each a JSON body posted to its integration endpoint with
the session token and the unit code (added when sent, ``national.client``):

- ``DongBoHoSoMC`` (``isUpdating`` "False" for a new dossier, "True" after): the dossier as the
  portal lists it — code, procedure (national code), field, applicant, dates as
  ``yyyyMMddHHmmss`` in Asia/Ho_Chi_Minh, status as the national code, fees, supplements, results.
- ``CapNhatTienDoHoSoMC``: one step of its processing — who, when, what, the status.

An event that changes the portal's record of the dossier (a new status, a new date) sends the
dossier; one that moves it between people without changing its status (claim by a second
reviewer, forward, send back) sends progress. The shapes follow the published integration of
the open-source OpenCPS one-stop software (its DVCQG adapter); ``national.schemas`` states them as
JSON schemas, which the loopback portal of the tests (``national.portal_server``) enforces.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from dossiers.models import ApplicantKind, Dossier, Event, FileKind, ReturnMethod, SupplementRequest
from dossiers.workflow import Action, Status
from national.models import ProcedureCode, Service

PORTAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
STAMP = "%Y%m%d%H%M%S"

# Same-status moves that still change the portal's record (the promised date).
_RECORD_CHANGING = frozenset({Action.APOLOGIZE})


def stamp(value: datetime | None) -> str:
    """``yyyyMMddHHmmss`` in Vietnam's time, or "" (the portal's form for an empty date)."""
    return value.astimezone(PORTAL_TZ).strftime(STAMP) if value else ""


def national_procedure_code(code: str) -> str:
    """The national database's code of our procedure ``code``: the mapping's, else the same."""
    mapped = ProcedureCode.objects.filter(code=code).values_list("national_code", flat=True).first()
    return mapped or code


def is_synced(event: Event) -> bool:
    """Events of the state machine are what the portal shows; anything else is ours alone."""
    return event.action in Action.values


def service_for(event: Event) -> str:
    if event.from_status and event.from_status == event.to_status and event.action not in _RECORD_CHANGING:
        return Service.PROGRESS
    return Service.DOSSIER


def _status_code(status: str, dossier: Dossier) -> str:
    """The national code of ``status`` (the one table in ``dossiers/workflow.py``): a refusal
    before receipt is "not received", after processing "resolved"."""
    return str(Status.national_code(status, received=dossier.received_at is not None))


def _fees(dossier: Dossier) -> list[dict]:
    return [
        {
            "TenPhiLePhi": fee.name,
            "MaPhiLePhi": str(fee.pk),
            "HinhThucThu": "",
            "Gia": str(fee.amount),
            "LoaiPhiLePhi": "1" if fee.kind == "fee" else "2",
        }
        for fee in dossier.procedure.fees.all().order_by("id")
    ]


def _supplements(dossier: Dossier) -> list[dict]:
    requests = SupplementRequest.objects.filter(dossier=dossier).select_related("requested_by").order_by("id")
    return [
        {
            "HoSoBoSungId": str(request.pk),
            "NguoiYeuCauBoSung": request.requested_by.display_name,
            "NoiDungBoSung": "; ".join(str(item) for item in request.items),
            "NgayBoSung": stamp(request.requested_at),
            "NgayTiepNhanBoSung": stamp(request.supplied_at),
            "TrangThaiBoSung": "1" if request.supplied_at else "0",
        }
        for request in requests
    ]


def _results(dossier: Dossier) -> list[dict]:
    return [
        {"TenGiayTo": f.document_name or f.original_name, "GiayToId": str(f.pk)}
        for f in dossier.files.filter(kind=FileKind.RESULT).order_by("id")
    ]


def dossier_record(dossier: Dossier, event: Event) -> dict:
    """The dossier as the portal lists it, as of ``event``."""
    procedure = dossier.procedure
    organisation = dossier.applicant_kind == ApplicantKind.ORGANISATION
    return {
        "MaHoSo": dossier.code,
        "MaTTHC": national_procedure_code(procedure.code),
        "TenTTHC": procedure.name,
        "MaLinhVuc": procedure.field.code,
        "TenLinhVuc": procedure.field.name,
        "ChuHoSo": dossier.organisation_name
        if organisation and dossier.organisation_name
        else dossier.applicant_name,
        "LoaiDoiTuong": "2" if organisation else "1",
        "MaDoiTuong": "",
        "Email": dossier.email,
        "SoDienThoai": dossier.phone,
        "TrichYeuHoSo": dossier.request_summary or procedure.name,
        "NgayTiepNhan": stamp(dossier.received_at or dossier.submitted_at),
        "NgayHenTra": stamp(dossier.promised_at or dossier.due_at),
        "TrangThaiHoSo": _status_code(event.to_status, dossier),
        "NgayTra": stamp(dossier.returned_at),
        "HinhThuc": "1" if dossier.return_method == ReturnMethod.POST else "0",
        "NgayKetThucXuLy": stamp(dossier.result_ready_at or dossier.closed_at),
        "DonViXuLy": dossier.resolving_agency.name,
        "GhiChu": event.note,
        "DanhSachLePhi": _fees(dossier),
        "DanhSachHoSoBoSung": _supplements(dossier),
        "DanhSachGiayToKetQua": _results(dossier),
    }


def progress_record(dossier: Dossier, event: Event) -> dict:
    """One step of processing, as the portal's progress list shows it."""
    actor = event.actor
    step = event.step
    label = Action(event.action).label
    return {
        "MaHoSo": dossier.code,
        "NguoiXuLy": actor.display_name if actor else (event.agency.name if event.agency_id else "Hệ thống"),
        "ChucDanh": actor.get_role_display() if actor else "",
        "ThoiDiemXuLy": stamp(event.at),
        "PhongBanXuLy": event.agency.name if event.agency_id else "",
        "NoiDungXuLy": f"{label}: {event.note}" if event.note else str(label),
        "TrangThai": _status_code(event.to_status, dossier),
        "NgayBatDau": stamp(step.started_at) if step else "",
        "NgayKetThucTheoQuyDinh": stamp(step.due_at) if step else "",
    }


def body_for(event: Event) -> tuple[str, dict]:
    """(service, body without the session) of the message ``event`` sends."""
    dossier = event.dossier
    service = service_for(event)
    if service == Service.PROGRESS:
        return service, {"service": service, "data": [progress_record(dossier, event)]}
    return service, {
        "service": service,
        "isUpdating": "True" if event.from_status else "False",
        "data": [dossier_record(dossier, event)],
    }
