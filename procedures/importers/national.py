"""The national procedure database's JSON (keys as in Cơ sở dữ liệu quốc gia về TTHC)."""

import re
from typing import Any

from django.utils.translation import gettext as _

from procedures.importers.checks import (
    AgencyIndex,
    check_field,
    check_identity,
    kept_flags,
    level_or_agency,
    online_accepted,
    resolve_agency,
)
from procedures.importers.values import (
    as_list,
    first_of,
    fit,
    parse_amount,
    parse_channel,
    parse_count,
    parse_days,
    parse_fee_kind,
    parse_flag,
    parse_level,
    parse_online_level,
    parse_time,
    text_of,
    working_days,
)
from procedures.models import FeeKind
from procedures.services import CatalogError, DocumentData, FeeData, ProcedureData, StepData
from procedures.text import fold


def parse_national_item(
    item: dict,
    *,
    default_agency: str | None = None,
    warnings: list[str] | None = None,
    agencies: AgencyIndex | None = None,
) -> ProcedureData:
    """One procedure of the national database's JSON. Warnings are appended to ``warnings``;
    bad data raises CatalogError."""
    if not isinstance(item, dict):
        raise CatalogError(_("Mục không phải một đối tượng JSON."))
    warnings = [] if warnings is None else warnings
    agencies = agencies or AgencyIndex.load()
    code, name = text_of(item.get("MATTHC")), text_of(item.get("TENTTHC"))
    check_identity(code, name)

    field_item = first_of(item.get("LINHVUCTHUCHIEN"))
    if isinstance(field_item, dict):
        field_code, field_name = text_of(field_item.get("MALINHVUC")), text_of(field_item.get("TENLINHVUC"))
    else:
        field_code, field_name = "", text_of(field_item)
    field_code, field_name = check_field(field_code, field_name, warnings)

    agency_item = first_of(item.get("COQUANTHUCHIEN"))
    if isinstance(agency_item, dict):
        # Both shapes are met in the national database's answers: MACOQUAN/TENCOQUAN, MADONVI/TENDONVI.
        agency_code = text_of(agency_item.get("MACOQUAN") or agency_item.get("MADONVI"))
        agency_name = text_of(agency_item.get("TENCOQUAN") or agency_item.get("TENDONVI"))
    else:
        agency_code, agency_name = "", text_of(agency_item)
    agency = resolve_agency(agencies, agency_code, agency_name, default_agency, warnings)
    level = level_or_agency(parse_level(item.get("CAPTHUCHIEN")), agency, agencies, warnings)
    online_level = parse_online_level(item.get("MUCDODVC"), warnings)

    channels: list[tuple[str | None, dict]] = []
    for raw in as_list(item.get("CACHTHUCTHUCHIEN")):
        if isinstance(raw, dict):
            kind = parse_channel(raw.get("KENH"))
            if kind is None:
                warnings.append(
                    _("Bỏ qua cách thức thực hiện không rõ: “%(value)s”.")
                    % {"value": text_of(raw.get("KENH"))}
                )
            channels.append((kind, raw))
    kinds = {kind for kind, _raw in channels if kind}
    if not kinds:
        warnings.append(_("Không có cách thức thực hiện; ghi là chỉ nộp trực tiếp."))
        kinds = {"counter"}
    # The processing time and fees: the counter channel's first THOIGIAN, else the first channel's.
    timed = [(kind, as_list(raw.get("THOIGIAN"))) for kind, raw in channels if as_list(raw.get("THOIGIAN"))]
    timed.sort(key=lambda pair: pair[0] != "counter")
    if not timed or not isinstance(timed[0][1][0], dict):
        raise CatalogError(_("Thiếu thời hạn giải quyết (CACHTHUCTHUCHIEN → THOIGIAN)."))
    time = timed[0][1][0]
    days, time_unit = parse_time(time.get("THOIGIANGIAIQUYET"), time.get("DONVITINH"), warnings)

    fees = []
    for raw in as_list(time.get("PHILEPHI")):
        if not isinstance(raw, dict):
            continue
        description = text_of(raw.get("MOTA"))
        kind = parse_fee_kind(raw.get("LOAIPHI"), description)
        amount, note = parse_amount(raw.get("SOTIEN"), warnings)
        unit = text_of(raw.get("DONVI"))
        if fold(unit) not in ("", "dong", "vnd", "d"):
            warnings.append(_("Đơn vị tiền “%(unit)s” không phải đồng.") % {"unit": unit})
            note = " ".join(part for part in (note or text_of(raw.get("SOTIEN")), unit) if part)
        fee_name = fit(description or str(FeeKind(kind).label), 500, _("Tên khoản phí"), warnings)
        fees.append(
            FeeData(kind=kind, name=fee_name, amount=amount, note=fit(note, 500, _("Ghi chú phí"), warnings))
        )

    documents = []
    for group in as_list(item.get("THANHPHANHOSO")):
        if not isinstance(group, dict):
            continue
        case = fit(text_of(group.get("TRUONGHOP")), 500, _("Trường hợp"), warnings)
        for paper in as_list(group.get("GIAYTO")):
            paper_name = text_of(paper.get("TENGIAYTO")) if isinstance(paper, dict) else text_of(paper)
            if not paper_name:
                warnings.append(_("Bỏ qua một giấy tờ không có tên."))
                continue
            paper = paper if isinstance(paper, dict) else {}
            form = "; ".join(
                text_of(f.get("TENMAUDON") if isinstance(f, dict) else f)
                for f in as_list(paper.get("TENMAUDON"))
            )
            documents.append(
                DocumentData(
                    name=fit(paper_name, 1000, _("Tên giấy tờ"), warnings),
                    originals=parse_count(paper.get("SOBANCHINH"), default=1, what=_("Số bản chính")),
                    copies=parse_count(paper.get("SOBANSAO"), default=0, what=_("Số bản sao")),
                    mandatory=parse_flag(paper.get("BATBUOC"), default=True, what=_("BATBUOC")),
                    case=case,
                    form_name=fit(form, 255, _("Tên mẫu đơn"), warnings),
                )
            )

    steps = None if item.get("QUYTRINH") is None else _national_steps(item["QUYTRINH"], warnings)
    current_on_the_spot, is_active = kept_flags(code, days, steps)
    on_the_spot = parse_flag(
        item.get("GIAIQUYETTAICHO"), default=bool(current_on_the_spot), what=_("GIAIQUYETTAICHO")
    )
    return ProcedureData(
        code=code,
        name=name,
        field_code=field_code,
        field_name=field_name,
        agency_code=agency,
        level=level,
        processing_days=days,
        time_unit=time_unit,
        processing_time_note=fit(text_of(time.get("MOTA")), 500, _("Ghi chú thời hạn"), warnings),
        online_level=online_level,
        accepts_counter="counter" in kinds,
        accepts_online=online_accepted(kinds, online_level, warnings),
        accepts_postal="postal" in kinds,
        on_the_spot=on_the_spot,
        applicants=text_of(item.get("DOITUONGTHUCHIEN")),
        steps_description=text_of(item.get("TRINHTUTHUCHIEN")),
        result="\n".join(
            text_of(r.get("TENKETQUA") if isinstance(r, dict) else r)
            for r in as_list(item.get("KETQUATHUCHIEN"))
        ).strip(),
        conditions=text_of(item.get("YEUCAUDIEUKIEN")),
        legal_basis=_legal_basis(item.get("CANCUPHAPLY")),
        is_active=is_active,
        documents=documents,
        fees=fees,
        steps=steps,
    )


def _legal_basis(value: Any) -> str:
    """One line per document: "60/2014/QH13 – Luật Hộ tịch (20/11/2014)"."""
    lines = []
    for doc in as_list(value):
        if not isinstance(doc, dict):
            lines.append(text_of(doc))
            continue
        number, title, date = (text_of(doc.get(key)) for key in ("SOVANBAN", "TENVANBAN", "NGAYBANHANH"))
        iso = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?", date)
        if iso:
            date = f"{iso[3]}/{iso[2]}/{iso[1]}"
        line = " – ".join(part for part in (number, title) if part)
        lines.append(f"{line} ({date})" if line and date else line or date)
    return "\n".join(line for line in lines if line)


def _national_steps(value: Any, warnings: list[str]) -> list[StepData]:
    steps = []
    for n, raw in enumerate(as_list(value), start=1):
        if not isinstance(raw, dict):
            raise CatalogError(_("Bước %(n)s của QUYTRINH không phải một đối tượng.") % {"n": n})
        agency = text_of(raw.get("MACOQUAN"))
        if not agency:
            raise CatalogError(_("Bước %(n)s của QUYTRINH thiếu mã cơ quan (MACOQUAN).") % {"n": n})
        steps.append(
            StepData(
                order=parse_count(raw.get("BUOC"), default=n, what=_("Thứ tự bước (BUOC)")),
                agency_code=agency,
                name=fit(text_of(raw.get("TEN")) or _("Bước %(n)s") % {"n": n}, 255, _("Tên bước"), warnings),
                working_days=working_days(
                    parse_days(
                        raw.get("SONGAY"), what=_("số ngày của bước %(n)s") % {"n": n}, warnings=warnings
                    )
                ),
            )
        )
    pairs = [(s.order, s.agency_code) for s in steps]
    if len(set(pairs)) != len(pairs):
        raise CatalogError(_("QUYTRINH có hai bước cùng thứ tự và cùng cơ quan."))
    return steps
