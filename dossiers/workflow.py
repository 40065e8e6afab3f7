"""The dossier state machine: one table of (state, action) → state and the roles allowed.

Every change of a dossier goes through a service of ``dossiers.services`` (one per action), which
locks the dossier row and looks the move up here (``move_for``) before changing anything; anything
not in the table is refused with a clear error. Statuses carry the national
portal's status codes (DESIGN.md, "The dossier").
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import Role


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Mới nộp trực tuyến, chờ tiếp nhận")
    # Sent back to the applicant before acceptance (form 02): never received, no clock.
    INTAKE_SUPPLEMENT = "intake_supplement", _("Chờ bổ sung trước khi tiếp nhận")
    RECEIVED = "received", _("Đã tiếp nhận")
    REFUSED = "refused", _("Từ chối giải quyết")
    PROCESSING = "processing", _("Đang giải quyết")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Yêu cầu bổ sung")
    AWAITING_PAYMENT = "awaiting_payment", _("Chờ thực hiện nghĩa vụ tài chính")
    WITHDRAWN = "withdrawn", _("Công dân rút hồ sơ")
    STOPPED = "stopped", _("Dừng xử lý")
    RESULT_READY = "result_ready", _("Đã có kết quả")
    RETURNED = "returned", _("Đã trả kết quả")

    @classmethod
    def national_code(cls, status: str, *, received: bool = True) -> int:
        return national_code(status, received=received)


# The national public service portal's status of a dossier (its list: 1 new, 2 received, 3 not
# received, 4 processing, 5 supplement, 6 financial obligation, 7 withdrawn, 8 stopped, 9 resolved,
# 10 returned), by our status and whether the dossier was ever received. The one table: the
# tracking page, the statistics, the history import and the national sync read it.
# A refusal before receipt (at intake, or of an online submission) is "not received" [3]; a refusal
# after processing is a resolved dossier [9] whose result is the refusal.
NATIONAL_CODES: dict[tuple[str, bool], int] = {
    (Status.SUBMITTED, False): 1,
    # sent back for supplement before acceptance (form 02): the national list's one "supplement"
    # code; reading 5 back gives SUPPLEMENT_REQUESTED (``STATUS_BY_NATIONAL_CODE``)
    (Status.INTAKE_SUPPLEMENT, False): 5,
    (Status.RECEIVED, True): 2,
    (Status.REFUSED, False): 3,
    (Status.REFUSED, True): 9,
    (Status.PROCESSING, True): 4,
    (Status.SUPPLEMENT_REQUESTED, True): 5,
    (Status.AWAITING_PAYMENT, True): 6,
    (Status.WITHDRAWN, False): 7,
    (Status.WITHDRAWN, True): 7,
    (Status.STOPPED, True): 8,
    (Status.RESULT_READY, True): 9,
    (Status.RETURNED, True): 10,
}
# What a national code means when we read one (the history import): refused is "3" only.
STATUS_BY_NATIONAL_CODE: dict[int, str] = {
    1: Status.SUBMITTED,
    2: Status.RECEIVED,
    3: Status.REFUSED,
    4: Status.PROCESSING,
    5: Status.SUPPLEMENT_REQUESTED,
    6: Status.AWAITING_PAYMENT,
    7: Status.WITHDRAWN,
    8: Status.STOPPED,
    9: Status.RESULT_READY,
    10: Status.RETURNED,
}


def national_code(status: str, *, received: bool) -> int:
    """The national portal's code of a dossier in ``status``, received or not (a status that
    exists one way only, e.g. processing, has that one code)."""
    code = NATIONAL_CODES.get((status, received))
    return code if code is not None else NATIONAL_CODES[(status, not received)]


FINAL_STATUSES = frozenset({Status.REFUSED, Status.WITHDRAWN, Status.STOPPED, Status.RETURNED})
# The clock runs in these statuses (received until the result is ready) ...
CLOCK_RUNNING = frozenset({Status.RECEIVED, Status.PROCESSING})
# ... and is paused in these: waiting for the applicant's supplement, or for the applicant to pay
# a financial obligation (Decree 101/2024/NĐ-CP art. 22 for land: the time to fulfil financial
# obligations is not counted; docs/rules.md). Both are still "in progress" in the statistics.
CLOCK_PAUSED = frozenset({Status.SUPPLEMENT_REQUESTED, Status.AWAITING_PAYMENT})


class Action(models.TextChoices):
    SUBMIT = "submit", _("Nộp trực tuyến")
    RECEIVE = "receive", _("Tiếp nhận tại quầy")
    ACCEPT = "accept", _("Tiếp nhận hồ sơ trực tuyến")
    REFUSE_INTAKE = "refuse_intake", _("Từ chối tiếp nhận")
    REQUEST_INTAKE_SUPPLEMENT = "request_intake_supplement", _("Yêu cầu bổ sung trước khi tiếp nhận")
    SUPPLY_INTAKE = "supply_intake", _("Bổ sung hồ sơ trước khi tiếp nhận")
    CLAIM = "claim", _("Nhận xử lý")
    FORWARD = "forward", _("Chuyển bước tiếp theo")
    SEND_BACK = "send_back", _("Trả lại bước trước")
    REQUEST_SUPPLEMENT = "request_supplement", pgettext_lazy("action", "Yêu cầu bổ sung")
    SUPPLY = "supply", _("Bổ sung hồ sơ")
    REQUEST_PAYMENT = "request_payment", _("Yêu cầu thực hiện nghĩa vụ tài chính")
    CONFIRM_PAYMENT = "confirm_payment", _("Xác nhận đã nộp nghĩa vụ tài chính")
    APPROVE = "approve", _("Phê duyệt, có kết quả")
    APPROVE_ON_THE_SPOT = "approve_on_the_spot", _("Giải quyết tại chỗ")
    REFUSE = "refuse", pgettext_lazy("action", "Từ chối giải quyết")
    STOP = "stop", pgettext_lazy("action", "Dừng xử lý")
    WITHDRAW = "withdraw", _("Rút hồ sơ")
    APOLOGIZE = "apologize", _("Xin lỗi và hẹn lại")
    RETURN_RESULT = "return_result", _("Trả kết quả")


@dataclass(frozen=True)
class Move:
    to: str
    roles: frozenset[str]


S, A = Status, Action
CITIZEN, CLERK, POSTAL, REVIEWER = Role.CITIZEN, Role.CLERK, Role.POSTAL, Role.REVIEWER
DESK = frozenset({CLERK, POSTAL})
# ``None``: the dossier does not exist yet.
TRANSITIONS: dict[tuple[str | None, str], Move] = {
    (None, A.SUBMIT): Move(S.SUBMITTED, frozenset({CITIZEN})),
    (None, A.RECEIVE): Move(S.RECEIVED, DESK),
    (S.SUBMITTED, A.ACCEPT): Move(S.RECEIVED, frozenset({CLERK})),
    (S.SUBMITTED, A.REFUSE_INTAKE): Move(S.REFUSED, frozenset({CLERK})),
    (S.SUBMITTED, A.WITHDRAW): Move(S.WITHDRAWN, frozenset({CITIZEN})),
    # Supplement and refusal at intake (Decree 61/2018 art. 19 as amended; forms 02 and 03).
    (S.SUBMITTED, A.REQUEST_INTAKE_SUPPLEMENT): Move(S.INTAKE_SUPPLEMENT, frozenset({CLERK})),
    (S.INTAKE_SUPPLEMENT, A.SUPPLY_INTAKE): Move(S.SUBMITTED, frozenset({CITIZEN})),
    (S.INTAKE_SUPPLEMENT, A.REFUSE_INTAKE): Move(S.REFUSED, frozenset({CLERK})),
    (S.INTAKE_SUPPLEMENT, A.WITHDRAW): Move(S.WITHDRAWN, frozenset({CITIZEN})),
    (S.RECEIVED, A.CLAIM): Move(S.PROCESSING, frozenset({REVIEWER})),
    (S.RECEIVED, A.APPROVE_ON_THE_SPOT): Move(S.RESULT_READY, frozenset({CLERK})),
    (S.RECEIVED, A.WITHDRAW): Move(S.WITHDRAWN, frozenset({CITIZEN, CLERK})),
    (S.RECEIVED, A.APOLOGIZE): Move(S.RECEIVED, frozenset({REVIEWER})),
    (S.PROCESSING, A.CLAIM): Move(S.PROCESSING, frozenset({REVIEWER})),
    (S.PROCESSING, A.FORWARD): Move(S.PROCESSING, frozenset({REVIEWER})),
    (S.PROCESSING, A.SEND_BACK): Move(S.PROCESSING, frozenset({REVIEWER})),
    (S.PROCESSING, A.REQUEST_SUPPLEMENT): Move(S.SUPPLEMENT_REQUESTED, frozenset({REVIEWER})),
    (S.PROCESSING, A.REQUEST_PAYMENT): Move(S.AWAITING_PAYMENT, frozenset({REVIEWER})),
    (S.PROCESSING, A.APPROVE): Move(S.RESULT_READY, frozenset({REVIEWER})),
    (S.PROCESSING, A.REFUSE): Move(S.REFUSED, frozenset({REVIEWER})),
    (S.PROCESSING, A.STOP): Move(S.STOPPED, frozenset({REVIEWER})),
    (S.PROCESSING, A.WITHDRAW): Move(S.WITHDRAWN, frozenset({CITIZEN, CLERK})),
    (S.PROCESSING, A.APOLOGIZE): Move(S.PROCESSING, frozenset({REVIEWER})),
    (S.SUPPLEMENT_REQUESTED, A.SUPPLY): Move(S.PROCESSING, frozenset({CITIZEN, CLERK})),
    (S.SUPPLEMENT_REQUESTED, A.STOP): Move(S.STOPPED, frozenset({REVIEWER})),
    (S.SUPPLEMENT_REQUESTED, A.WITHDRAW): Move(S.WITHDRAWN, frozenset({CITIZEN, CLERK})),
    (S.SUPPLEMENT_REQUESTED, A.APOLOGIZE): Move(S.SUPPLEMENT_REQUESTED, frozenset({REVIEWER})),
    (S.AWAITING_PAYMENT, A.CONFIRM_PAYMENT): Move(S.PROCESSING, frozenset({CLERK, REVIEWER})),
    (S.AWAITING_PAYMENT, A.WITHDRAW): Move(S.WITHDRAWN, frozenset({CITIZEN, CLERK})),
    (S.RESULT_READY, A.RETURN_RESULT): Move(S.RETURNED, DESK),
}


class TransitionRefused(Exception):
    """A move the table does not allow, with a message for the person who tried it."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def move_for(status: str | None, action: str, role: str) -> Move:
    """The move ``role`` may make with ``action`` from ``status``, or TransitionRefused."""
    move = TRANSITIONS.get((status, action))
    if move is None:
        label = Status(status).label if status else gettext("chưa có hồ sơ")
        raise TransitionRefused(
            gettext("Không thể “%(action)s” khi hồ sơ ở trạng thái “%(status)s”.")
            % {"action": Action(action).label, "status": label}
        )
    if role not in move.roles:
        raise TransitionRefused(
            gettext("Vai trò của bạn không được thực hiện “%(action)s”.") % {"action": Action(action).label}
        )
    return move


def actions_from(status: str, role: str) -> list[str]:
    """Actions ``role`` may take on a dossier in ``status`` (for buttons and the API)."""
    return [action for (state, action), move in TRANSITIONS.items() if state == status and role in move.roles]
