"""The statistics question (period, grouping, filters) as the API and the pages ask it: parsed
from query parameters, checked, and scoped to who asks."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.permissions import agency_scope
from dashboards.figures import GROUPS, Filters
from dossiers.models import Channel
from procedures.models import Agency, Level, Procedure
from procedures.models import Field as ProcedureField


class StatsQueryError(ValidationError):
    """A bad statistics question: nothing is counted."""


@dataclass
class StatsQuery:
    date_from: date
    date_to: date
    group_by: str | None
    filters: Filters


def may_see_stats(user) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and (
            user.is_superuser
            or user.role in (Role.MANAGER, Role.ADMIN)
            or (user.agency_id and user.role != Role.CITIZEN)
        )
    )


def _date(params, name: str, default: date) -> date:
    value = (params.get(name) or "").strip()
    if not value:
        return default
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise StatsQueryError({name: [_("Ngày không hợp lệ, cần dạng YYYY-MM-DD.")]}) from None


def _codes(params, name: str) -> list[str]:
    return [c.strip() for c in (params.get(name) or "").split(",") if c.strip()]


def _ids(model, codes: list[str], name: str) -> list[int]:
    if not codes:  # no filter: nothing to look up
        return []
    found = dict(model.objects.filter(code__in=codes).values_list("code", "id"))
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise StatsQueryError({name: [_("Không có mã: %(codes)s.") % {"codes": ", ".join(unknown)}]})
    return list(found.values())


def _names(codes: list[str], choices, name: str) -> list[str]:
    unknown = [c for c in codes if c not in dict(choices)]
    if unknown:
        raise StatsQueryError({name: [_("Giá trị không hợp lệ: %(codes)s.") % {"codes": ", ".join(unknown)}]})
    return codes


def parse(params, user, *, group_required: bool = False) -> StatsQuery:
    """The question in ``params`` (a QueryDict), scoped to ``user``'s units. Raises
    StatsQueryError (field → messages) on bad input."""
    today = timezone.localdate()
    date_to = _date(params, "date_to", today)
    date_from = _date(params, "date_from", date_to.replace(month=1, day=1))
    if date_from > date_to:
        raise StatsQueryError({"date_from": [_("Ngày bắt đầu phải trước hoặc bằng ngày kết thúc.")]})
    if (date_to - date_from).days > 366 * 10:
        raise StatsQueryError({"date_from": [_("Khoảng thời gian tối đa là 10 năm.")]})
    group_by = (params.get("group_by") or "").strip() or None
    if group_by is None and group_required:
        group_by = "agency"
    if group_by is not None and group_by not in GROUPS:
        raise StatsQueryError({"group_by": [_("Chỉ nhóm theo: %(groups)s.") % {"groups": ", ".join(GROUPS)}]})
    scope = agency_scope(user)
    filters = Filters(
        scope=None if scope is None else list(scope),
        agencies=_ids(Agency, _codes(params, "agency"), "agency"),
        levels=_names(_codes(params, "level"), Level.choices, "level"),
        fields=_ids(ProcedureField, _codes(params, "field"), "field"),
        procedures=_ids(Procedure, _codes(params, "procedure"), "procedure"),
        channels=_names(_codes(params, "channel"), Channel.choices, "channel"),
    )
    return StatsQuery(date_from=date_from, date_to=date_to, group_by=group_by, filters=filters)
