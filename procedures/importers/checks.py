"""The rules both formats follow, checked against the catalog: identity, field, agency,
level, the flags a re-import keeps, and the online channel."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from procedures.importers.values import fit
from procedures.models import Agency, Field, OnlineLevel, Procedure, ProcessStep
from procedures.services import CatalogError, StepData, routing_days
from procedures.text import fold


@dataclass
class AgencyIndex:
    """The agencies, loaded once per import: code → level, and folded name → code (None when two
    agencies share a name, which then matches neither)."""

    levels: dict[str, str]
    by_name: dict[str, str | None]

    @classmethod
    def load(cls) -> "AgencyIndex":
        levels: dict[str, str] = {}
        by_name: dict[str, str | None] = {}
        for code, name, level in Agency.objects.values_list("code", "name", "level"):
            levels[code] = level
            key = fold(name)
            by_name[key] = None if key in by_name else code
        return cls(levels=levels, by_name=by_name)

    def resolve(self, code: str, name: str) -> str | None:
        if code and code in self.levels:
            return code
        return self.by_name.get(fold(name)) if name else None


def check_identity(code: str, name: str) -> None:
    if not code:
        raise CatalogError(_("Thiếu mã thủ tục."), code="no_code")
    if len(code) > 32:
        raise CatalogError(_("Mã thủ tục dài quá 32 ký tự."), code="long_code")
    if not name:
        raise CatalogError(_("Thiếu tên thủ tục."), code="no_name")
    if len(name) > 500:
        raise CatalogError(_("Tên thủ tục dài quá 500 ký tự."), code="long_name")


def check_field(code: str, name: str, warnings: list[str]) -> tuple[str, str]:
    if len(code) > 32:
        raise CatalogError(_("Mã lĩnh vực dài quá 32 ký tự: “%(code)s”.") % {"code": code})
    if not name and not (code and Field.objects.filter(code=code).exists()):
        raise CatalogError(_("Thiếu tên lĩnh vực (lĩnh vực chưa có trong danh mục)."))
    return code, fit(name, 255, _("Tên lĩnh vực"), warnings)


def resolve_agency(
    agencies: AgencyIndex, code: str, name: str, default: str | None, warnings: list[str]
) -> str:
    found = agencies.resolve(code, name)
    if found:
        return found
    given = " – ".join(part for part in (code, name) if part)
    if default:
        if given:
            warnings.append(
                _("Không tìm thấy cơ quan “%(agency)s” trong danh mục; dùng cơ quan mặc định %(default)s.")
                % {"agency": given, "default": default}
            )
        return default
    raise CatalogError(
        _(
            "Không rõ cơ quan giải quyết “%(agency)s”: không khớp mã hay tên cơ quan nào trong danh mục "
            "(dùng --agency để chỉ định cơ quan mặc định)."
        )
        % {"agency": given or _("(để trống)")},
        code="unknown_agency",
    )


def level_or_agency(level: str, agency_code: str, agencies: AgencyIndex, warnings: list[str]) -> str:
    if level:
        return level
    agency_level = agencies.levels.get(agency_code)
    if not agency_level:
        raise CatalogError(_("Thiếu cấp thực hiện."))
    warnings.append(
        _("Không ghi cấp thực hiện; lấy theo cấp của cơ quan %(agency)s.") % {"agency": agency_code}
    )
    return agency_level


def kept_flags(code: str, days: Decimal, steps: list[StepData] | None) -> tuple[bool | None, bool]:
    """(on_the_spot, is_active) of the procedure already in the catalog (None, True for a new one);
    refuses a processing time shorter than the routing the procedure keeps."""
    current = Procedure.objects.filter(code=code).values_list("id", "on_the_spot", "is_active").first()
    if current is None:
        return None, True
    if steps is None:
        kept = routing_days(
            list(ProcessStep.objects.filter(procedure_id=current[0]).values_list("order", "working_days"))
        )
        if kept > days:
            raise CatalogError(
                _(
                    "Thời hạn giải quyết mới (%(days)s ngày) ngắn hơn quy trình xử lý hiện có "
                    "(%(steps)s ngày); hãy gửi kèm QUYTRINH mới hoặc sửa quy trình trước."
                )
                % {"days": days.normalize(), "steps": kept.normalize()},
                code="steps_too_long",
            )
    return current[1], current[2]


def online_accepted(channels: set[str], online_level: str, warnings: list[str]) -> bool:
    if "online" in channels and online_level == OnlineLevel.NONE:
        warnings.append(
            _(
                "Có cách thức nộp trực tuyến nhưng thủ tục không có mức độ trực tuyến; "
                "không nhận nộp trực tuyến."
            )
        )
        return False
    if "online" not in channels and online_level != OnlineLevel.NONE:
        warnings.append(_("Thủ tục có mức độ trực tuyến nhưng không có cách thức nộp trực tuyến."))
    return "online" in channels
