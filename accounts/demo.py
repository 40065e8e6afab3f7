"""Demo accounts: one person for each role, made through the same services an administrator
uses. Used by ``manage.py seed_demo``; never run on a production database."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.models import Role, User
from accounts.phones import normalize_phone
from accounts.services import citizen_register, signing_authority_grant, staff_create
from procedures.models import Agency, Procedure
from procedures.selectors import competent_agencies

# One printed password for every demo account. It passes the project's password validators.
DEMO_PASSWORD = "HccDemo@2026"

CITIZEN_PHONE = "0912 345 678"
CITIZEN_EMAIL = "congdan@example.vn"


@dataclass(frozen=True)
class DemoStaff:
    username: str
    role: str
    full_name: str
    agency_code: str | None
    email: str


DEMO_STAFF = (
    DemoStaff("motcua", Role.CLERK, "Trần Thị Mai", "TTPVHCC", "motcua@example.vn"),
    DemoStaff("buuchinh", Role.POSTAL, "Lê Văn Bình", "TTPVHCC", "buuchinh@example.vn"),
    DemoStaff("tuphap", Role.REVIEWER, "Phạm Minh Tuấn", "STP", "tuphap@example.vn"),
    DemoStaff("xaydung", Role.REVIEWER, "Hoàng Thu Hà", "SXD", "xaydung@example.vn"),
    DemoStaff("thue", Role.REVIEWER, "Vũ Quang Huy", "THUE", "thue@example.vn"),
    DemoStaff("lanhdao", Role.MANAGER, "Đỗ Thanh Sơn", "UBNDT", "lanhdao@example.vn"),
    DemoStaff("quantri", Role.ADMIN, "Quản trị hệ thống", None, "quantri@example.vn"),
)


def seed_demo_users(stdout=None) -> list[tuple[str, str, str]]:
    """Create the demo accounts that do not exist yet (matched by username) and return
    ``(role label, login, password)`` for every one of them, in a stable order."""
    logins: list[tuple[str, str, str]] = []

    citizen = User.objects.filter(
        Q(phone=normalize_phone(CITIZEN_PHONE)) | Q(email__iexact=CITIZEN_EMAIL), role=Role.CITIZEN
    ).first()
    if citizen is None:
        citizen = citizen_register(
            full_name="Nguyễn Văn An", password=DEMO_PASSWORD, phone=CITIZEN_PHONE, email=CITIZEN_EMAIL
        )
        _say(stdout, _("Đã tạo tài khoản công dân %(login)s.") % {"login": CITIZEN_PHONE})
    logins.append((str(Role(citizen.role).label), CITIZEN_PHONE, DEMO_PASSWORD))

    for person in DEMO_STAFF:
        if not User.objects.filter(username=person.username).exists():
            agency = Agency.objects.get(code=person.agency_code) if person.agency_code else None
            staff_create(
                username=person.username,
                password=DEMO_PASSWORD,
                role=person.role,
                full_name=person.full_name,
                agency=agency,
                email=person.email,
            )
            _say(stdout, _("Đã tạo tài khoản %(login)s.") % {"login": person.username})
        logins.append((str(Role(person.role).label), person.username, DEMO_PASSWORD))
    _grant_demo_signing()
    made = seed_demo_reviewers()
    if made:
        _say(
            stdout,
            _("Đã tạo %(count)s tài khoản chuyên viên cho các cơ quan trên quy trình.") % {"count": made},
        )
    return logins


def route_agencies() -> list[Agency]:
    """Every agency a demo dossier can be routed to: the agencies of the active procedures' steps,
    and the competent agencies that take the place of a commune procedure's agency."""
    from django.utils import timezone

    today = timezone.localdate()
    procedures = Procedure.objects.filter(is_active=True).select_related("agency")
    ids = set(
        Procedure.objects.filter(is_active=True, process_steps__isnull=False).values_list(
            "process_steps__agency_id", flat=True
        )
    )
    for procedure in procedures:
        if procedure.process_steps.filter(agency=procedure.agency).exists():
            ids.update(agency.id for agency in competent_agencies(procedure, today))
    return list(Agency.objects.filter(id__in=ids).order_by("code"))


def reviewer_username(agency: Agency) -> str:
    return f"cv-{agency.code.lower()}"


def seed_demo_reviewers() -> int:
    """A demo reviewer (``cv-<agency code>``, the demo password) for every agency on a demo route
    that has no active reviewer yet, so that every story of the demo can be finished by hand.
    Returns how many were made."""
    made = 0
    for agency in route_agencies():
        if User.objects.filter(role=Role.REVIEWER, agency=agency, is_active=True).exists():
            continue
        staff_create(
            username=reviewer_username(agency),
            password=DEMO_PASSWORD,
            role=Role.REVIEWER,
            full_name=_("Chuyên viên %(agency)s") % {"agency": agency.short_name or agency.name},
            agency=agency,
        )
        made += 1
    return made


def demo_reviewers() -> list[tuple[str, str]]:
    """(agency, login) of the reviewers on the demo routes, for the printed list."""
    return [
        (agency.short_name or agency.name, user.username)
        for agency in route_agencies()
        for user in User.objects.filter(role=Role.REVIEWER, agency=agency, is_active=True).order_by("id")[:1]
    ]


def _grant_demo_signing() -> None:
    """The demo clerk is authorised to sign the on-the-spot procedures at the center's desk (in a
    real center: a leader of the resolving agency, or a civil servant authorised in writing)."""
    clerk = User.objects.filter(username="motcua").select_related("agency").first()
    if clerk is None or clerk.agency is None:
        return
    for procedure in Procedure.objects.filter(on_the_spot=True, is_active=True):
        signing_authority_grant(
            user=clerk,
            procedure=procedure,
            office=clerk.agency,
            decision="Quyết định 01/QĐ-TTPVHCC (trình diễn)",
        )


def _say(stdout, message: str) -> None:
    if stdout is not None:
        stdout.write(message)


def load_demo(command, *, dossiers: int, verbosity: int) -> list[str]:
    """``seed_demo``'s loader (settings.HCC_DEMO_LOADERS): the accounts; returns the table of their
    logins, which the command prints last."""
    try:
        with transaction.atomic():
            logins = seed_demo_users(command.stdout if verbosity > 1 else None)
    except ValidationError as exc:
        raise CommandError(
            _("Không tạo được tài khoản trình diễn: %(error)s") % {"error": " ".join(exc.messages)}
        ) from exc
    lines = [_("Tài khoản trình diễn:")]
    header = (_("Vai trò"), _("Tên đăng nhập"), _("Mật khẩu"))
    widths = [max(len(row[i]) for row in (header, *logins)) for i in range(3)]
    for row in (header, tuple("-" * w for w in widths), *logins):
        cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        lines.append(("  " + "  ".join(cells)).rstrip())
    reviewers = ", ".join(f"{login} ({agency})" for agency, login in demo_reviewers())
    lines.append(_("Chuyên viên các cơ quan trên quy trình (cùng mật khẩu): %(list)s") % {"list": reviewers})
    return lines
