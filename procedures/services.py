"""Writes to the catalog. The importer, the demo seed and the admin all go through these.

``procedures`` imports no other app, so these functions check no permission: their callers
(admin, management commands run by an operator) have done so.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from procedures.models import (
    Agency,
    CalendarDay,
    CalendarDayKind,
    Fee,
    FeeKind,
    Field,
    Level,
    OnlineLevel,
    Procedure,
    ProcessStep,
    RequiredDocument,
    TimeUnit,
)
from procedures.text import fold


class CatalogError(ValidationError):
    """Bad catalog data, with a message an administrator can act on."""


@dataclass
class DocumentData:
    name: str
    originals: int = 1
    copies: int = 0
    mandatory: bool = True
    case: str = ""
    form_name: str = ""


@dataclass
class FeeData:
    kind: str
    name: str
    amount: int
    note: str = ""


@dataclass
class StepData:
    order: int
    agency_code: str
    name: str
    working_days: Decimal


@dataclass
class ProcedureData:
    code: str
    name: str
    field_code: str
    field_name: str
    agency_code: str
    level: str
    processing_days: Decimal
    processing_time_note: str = ""
    # The unit of processing_days: working days (the default) or calendar days (``TimeUnit``).
    time_unit: str = TimeUnit.WORKING_DAY
    online_level: str = OnlineLevel.NONE
    accepts_counter: bool = True
    accepts_online: bool = False
    accepts_postal: bool = False
    on_the_spot: bool = False
    applicants: str = ""
    steps_description: str = ""
    result: str = ""
    conditions: str = ""
    legal_basis: str = ""
    is_active: bool = True
    documents: list[DocumentData] = field(default_factory=list)
    fees: list[FeeData] = field(default_factory=list)
    # None keeps the routing the procedure already has (the national database carries none).
    steps: list[StepData] | None = None


def routing_days(steps: list[tuple[int, Decimal]]) -> Decimal:
    """Working days the routing takes: steps of equal order run in parallel, so each order
    costs its longest step, and orders follow one another."""
    longest: dict[int, Decimal] = {}
    for order, days in steps:
        longest[order] = max(longest.get(order, Decimal(0)), Decimal(days))
    return sum(longest.values(), Decimal(0))


def process_steps_validate(*, processing_days: Decimal, steps: list[tuple[int, Decimal]]) -> None:
    total = routing_days(steps)
    if total > Decimal(processing_days):
        raise CatalogError(
            _(
                "Tổng thời gian các bước (%(steps)s ngày) vượt thời hạn giải quyết "
                "của thủ tục (%(days)s ngày)."
            )
            % {"steps": _fmt_days(total), "days": _fmt_days(Decimal(processing_days))},
            code="steps_too_long",
        )


def _fmt_days(days: Decimal) -> str:
    return f"{days.normalize():f}".replace(".", ",")


def _check_choice(value: str, choices, label: str) -> None:
    if value not in choices.values:
        raise CatalogError(
            _("%(label)s không hợp lệ: %(value)s.") % {"label": label, "value": value}, code="invalid_choice"
        )


@transaction.atomic
def procedure_upsert(*, data: ProcedureData) -> tuple[Procedure, bool]:
    """Create or update the procedure with ``data.code``, replacing its documents and fees (and
    its routing when ``data.steps`` is given). Returns the procedure and whether it was new.
    Raises CatalogError, changing nothing, on bad data."""
    code = (data.code or "").strip()
    name = (data.name or "").strip()
    if not code:
        raise CatalogError(_("Thiếu mã thủ tục."), code="no_code")
    if not name:
        raise CatalogError(_("Thiếu tên thủ tục."), code="no_name")
    _check_choice(data.level, Level, _("Cấp thực hiện"))
    _check_choice(data.online_level, OnlineLevel, _("Mức độ trực tuyến"))
    _check_choice(data.time_unit, TimeUnit, _("Đơn vị thời hạn"))
    days = Decimal(data.processing_days)
    if days < 0:
        raise CatalogError(_("Thời hạn giải quyết không được âm."), code="negative_days")
    agency = Agency.objects.filter(code=data.agency_code).first()
    if agency is None:
        raise CatalogError(
            _("Không có cơ quan mã %(code)s trong danh mục.") % {"code": data.agency_code}, code="no_agency"
        )
    for fee in data.fees:
        _check_choice(fee.kind, FeeKind, _("Loại phí"))
        if isinstance(fee.amount, bool) or fee.amount != int(fee.amount):
            raise CatalogError(
                _("Số tiền phí “%(value)s” không phải số nguyên đồng.") % {"value": fee.amount},
                code="fee_not_whole",
            )
        if int(fee.amount) < 0:
            raise CatalogError(_("Số tiền phí không được âm."), code="negative_fee")
    step_agencies: dict[str, Agency] = {}
    if data.steps is not None:
        codes = {s.agency_code for s in data.steps}
        step_agencies = {a.code: a for a in Agency.objects.filter(code__in=codes)}
        missing = sorted(codes - step_agencies.keys())
        if missing:
            raise CatalogError(
                _("Không có cơ quan mã %(code)s trong danh mục.") % {"code": ", ".join(missing)},
                code="no_agency",
            )
        process_steps_validate(
            processing_days=days, steps=[(s.order, Decimal(s.working_days)) for s in data.steps]
        )
    else:
        # The routing is kept: it must still fit a processing time that may have shrunk.
        kept = ProcessStep.objects.filter(procedure__code=code).values_list("order", "working_days")
        process_steps_validate(processing_days=days, steps=list(kept))

    field_code = data.field_code.strip() or fold_code(data.field_name)
    field_obj, _created = Field.objects.get_or_create(
        code=field_code, defaults={"name": data.field_name.strip() or field_code}
    )
    if data.field_name and field_obj.name != data.field_name.strip():
        field_obj.name = data.field_name.strip()
        field_obj.save(update_fields=["name"])

    values = {
        "name": name,
        "field": field_obj,
        "agency": agency,
        "level": data.level,
        "processing_days": days,
        "time_unit": data.time_unit,
        "processing_time_note": data.processing_time_note,
        "online_level": data.online_level,
        "accepts_counter": data.accepts_counter,
        "accepts_online": data.accepts_online and data.online_level != OnlineLevel.NONE,
        "accepts_postal": data.accepts_postal,
        "on_the_spot": data.on_the_spot,
        "applicants": data.applicants,
        "steps_description": data.steps_description,
        "result": data.result,
        "conditions": data.conditions,
        "legal_basis": data.legal_basis,
        "is_active": data.is_active,
    }
    procedure, created = Procedure.objects.select_for_update().update_or_create(code=code, defaults=values)

    _sync_rows(
        list(procedure.documents.order_by("order", "id")),
        [
            {
                "order": i,
                "name": doc.name.strip(),
                "case": doc.case,
                "originals": doc.originals,
                "copies": doc.copies,
                "mandatory": doc.mandatory,
                "form_name": doc.form_name,
            }
            for i, doc in enumerate(data.documents, start=1)
        ],
        make=lambda values: RequiredDocument(procedure=procedure, **values),
    )
    _sync_rows(
        list(procedure.fees.order_by("id")),
        [
            {"kind": fee.kind, "name": fee.name.strip(), "amount": int(fee.amount), "note": fee.note}
            for fee in data.fees
        ],
        make=lambda values: Fee(procedure=procedure, **values),
    )
    if data.steps is not None:
        procedure.process_steps.all().delete()
        ProcessStep.objects.bulk_create(
            ProcessStep(
                procedure=procedure,
                order=s.order,
                agency=step_agencies[s.agency_code],
                name=s.name,
                working_days=Decimal(s.working_days),
            )
            for s in data.steps
        )
    return procedure, created


def _sync_rows(existing: list, wanted: list[dict], *, make) -> None:
    """Make ``existing`` rows say ``wanted``, in order: rows are updated in place (their ids, which
    dossiers and receipts point at, stay), missing ones created, surplus ones deleted."""
    for row, values in zip(existing, wanted, strict=False):
        changed = [name for name, value in values.items() if getattr(row, name) != value]
        if changed:
            for name in changed:
                setattr(row, name, values[name])
            row.save(update_fields=changed)
    for values in wanted[len(existing) :]:
        make(values).save()
    for row in existing[len(wanted) :]:
        row.delete()


def fold_code(name: str) -> str:
    """A field code made from its name when the source gives none."""
    return "-".join(fold(name).split())[:32] or "khac"


@transaction.atomic
def agency_upsert(
    *,
    code: str,
    name: str,
    level: str,
    kind: str,
    parent_code: str | None = None,
    has_one_stop_desk: bool = False,
    short_name: str = "",
    address: str = "",
    phone: str = "",
) -> tuple[Agency, bool]:
    _check_choice(level, Level, _("Cấp"))
    parent = None
    if parent_code:
        parent = Agency.objects.filter(code=parent_code).first()
        if parent is None:
            raise CatalogError(
                _("Không có cơ quan mã %(code)s trong danh mục.") % {"code": parent_code}, code="no_agency"
            )
    return Agency.objects.update_or_create(
        code=code,
        defaults={
            "name": name,
            "short_name": short_name,
            "level": level,
            "kind": kind,
            "parent": parent,
            "has_one_stop_desk": has_one_stop_desk,
            "address": address,
            "phone": phone,
        },
    )


def calendar_day_set(*, date, kind: str, name: str) -> CalendarDay:
    """Record an extra day off or a make-up working day (replacing what that date had)."""
    _check_choice(kind, CalendarDayKind, _("Loại ngày"))
    day, _created = CalendarDay.objects.update_or_create(date=date, defaults={"kind": kind, "name": name})
    return day


@transaction.atomic
def procedures_withdraw(*, codes: list[str]) -> int:
    """Stop offering the procedures of ``codes`` (withdrawn from the national database): they
    leave the public catalog; their dossiers and history stay. Returns how many were active."""
    return Procedure.objects.filter(code__in=list(codes), is_active=True).update(is_active=False)
