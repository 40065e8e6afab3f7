"""Writes of the surveys app: ratings on every channel and the feedback flow.

Every function takes keyword arguments, runs in one transaction and raises ``SurveyError`` (a
``ValidationError``) with a Vietnamese message on bad input, changing nothing."""

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import agency_scope, require
from dossiers import services as dossier_services
from dossiers.locks import dossier_lock
from dossiers.models import Dossier
from dossiers.workflow import Status
from procedures import workdays
from procedures.models import Agency, Procedure
from surveys import figures, notices
from surveys.models import (
    OPEN_FEEDBACK,
    Feedback,
    FeedbackEvent,
    FeedbackStatus,
    Rating,
    RatingChannel,
    RatingKiosk,
    Reason,
    Score,
    Subject,
)


class SurveyError(ValidationError):
    """Bad input to a surveys service: nothing was changed."""


# --- ratings -------------------------------------------------------------------------------------


def _check_score(score: int, reasons: Sequence[Reason], comment: str) -> None:
    if score not in Score.values:
        raise SurveyError(_("Vui lòng chọn một mức độ hài lòng."))
    if score == Score.UNSATISFIED and not reasons and not comment.strip():
        raise SurveyError(_("Vui lòng cho biết lý do không hài lòng (chọn lý do hoặc ghi ý kiến)."))


def _check_dossier(dossier: Dossier) -> None:
    if dossier.status != Status.RETURNED:
        raise SurveyError(
            _("Hồ sơ %(code)s chưa được trả kết quả nên chưa thể đánh giá.") % {"code": dossier.code}
        )
    if Rating.objects.filter(dossier=dossier).exists():
        raise SurveyError(
            _("Hồ sơ %(code)s đã được đánh giá. Mỗi hồ sơ chỉ đánh giá một lần.") % {"code": dossier.code}
        )


def _create(
    *,
    score: int,
    reasons: Sequence[Reason] = (),
    comment: str = "",
    channel: str,
    dossier: Dossier | None = None,
    clerk: User | None = None,
    counter=None,
    office: Agency | None = None,
    entered_by: User | None = None,
    at: datetime | None = None,
) -> Rating:
    comment = comment.strip()
    _check_score(score, reasons, comment)
    if dossier is not None:
        dossier = dossier_lock(dossier, related=("procedure",))
        _check_dossier(dossier)
    rating = Rating(
        dossier=dossier,
        score=score,
        comment=comment,
        channel=channel,
        clerk=clerk or (dossier.received_by if dossier else None),
        counter=counter,
        agency=dossier.resolving_agency if dossier else None,
        procedure=dossier.procedure if dossier else None,
        office=dossier.intake_office if dossier else (counter.office if counter else office),
        created_at=at or timezone.now(),
        entered_by=entered_by,
    )
    try:
        with transaction.atomic():
            rating.save()
    except IntegrityError:
        raise SurveyError(_("Hồ sơ này đã được đánh giá. Mỗi hồ sơ chỉ đánh giá một lần.")) from None
    if score == Score.UNSATISFIED and reasons:
        rating.reasons.set(reasons)
    figures.count_rating(rating)  # the dashboards' daily counts, in this transaction
    if dossier is not None and score == Score.UNSATISFIED:
        dossier_services.dossier_note_opinion(dossier=dossier, unsatisfied=True)  # Decision 766 counts it
    return rating


@transaction.atomic
def rating_by_link(
    *, dossier: Dossier, score: int, reasons: Sequence[Reason] = (), comment: str = ""
) -> Rating:
    """The citizen follows the link sent after the result was returned (no login)."""
    return _create(dossier=dossier, score=score, reasons=reasons, comment=comment, channel=RatingChannel.LINK)


@transaction.atomic
def rating_online(
    *, actor: User, dossier: Dossier, score: int, reasons: Sequence[Reason] = (), comment: str = ""
) -> Rating:
    """The logged-in applicant rates their own returned dossier."""
    if dossier.applicant_user_id != actor.pk:
        raise SurveyError(_("Bạn chỉ có thể đánh giá hồ sơ của mình."))
    return _create(
        dossier=dossier, score=score, reasons=reasons, comment=comment, channel=RatingChannel.ONLINE
    )


def kiosk_issue(*, actor: User, counter) -> RatingKiosk:
    """Give the rating tablet of ``counter`` a new secret address (the first, or a new one when a
    tablet is lost: the old address stops working at once). Managers of the counter's office and
    administrators only."""
    require(actor, "counter.configure")
    scope = agency_scope(actor)
    if scope is not None and counter.office_id not in set(scope):
        raise SurveyError(_("Quầy này không thuộc đơn vị bạn quản lý."))
    with transaction.atomic():
        kiosk, _created = RatingKiosk.objects.select_for_update().get_or_create(
            counter=counter,
            defaults={"token": secrets.token_urlsafe(24), "issued_at": timezone.now(), "issued_by": actor},
        )
        if not _created:
            kiosk.token = secrets.token_urlsafe(24)
            kiosk.issued_at = timezone.now()
            kiosk.issued_by = actor
            kiosk.save(update_fields=["token", "issued_at", "issued_by"])
    return kiosk


@transaction.atomic
def rating_at_kiosk(*, counter, score: int, reasons: Sequence[Reason] = (), comment: str = "") -> Rating:
    """The tablet at a counter: the rating goes to the clerk sitting there now."""
    from counters.models import Counter

    counter = Counter.objects.select_for_update().select_related("office").get(pk=counter.pk)
    if counter.clerk_id is None:
        raise SurveyError(_("Quầy %(number)s chưa có cán bộ làm việc.") % {"number": counter.number})
    return _create(
        counter=counter,
        clerk=counter.clerk,
        score=score,
        reasons=reasons,
        comment=comment,
        channel=RatingChannel.KIOSK,
    )


@dataclass
class PaperRow:
    score: int
    dossier_code: str = ""
    reasons: Sequence[Reason] = field(default_factory=tuple)
    comment: str = ""


@transaction.atomic
def ratings_enter_paper(*, actor: User, rows: Iterable[PaperRow]) -> list[Rating]:
    """A clerk types in a batch of paper survey forms: all rows are saved, or none.

    A typed dossier code counts only for a dossier received by the clerk's own office: a code of
    another office gets the answer of a code that does not exist (the 404 rule of every dossier
    address), so the form neither rates nor reveals other offices' dossiers."""
    require(actor, "rating.enter_paper")
    rows = list(rows)
    if not rows:
        raise SurveyError(_("Chưa có phiếu đánh giá nào để lưu."))
    made: list[Rating] = []
    seen: set[str] = set()
    for number, row in enumerate(rows, start=1):
        try:
            dossier = None
            code = row.dossier_code.strip().upper()
            if code:
                if code in seen:
                    raise SurveyError(_("Mã hồ sơ %(code)s bị nhập hai lần.") % {"code": code})
                seen.add(code)
                dossier = Dossier.objects.filter(code=code, intake_office_id=actor.agency_id).first()
                if dossier is None or actor.agency_id is None:
                    raise SurveyError(_("Không tìm thấy hồ sơ mã %(code)s.") % {"code": code})
            made.append(
                _create(
                    dossier=dossier,
                    score=row.score,
                    reasons=row.reasons,
                    comment=row.comment,
                    channel=RatingChannel.PAPER,
                    entered_by=actor,
                    clerk=None,
                    office=None if dossier else actor.agency,
                )
            )
        except SurveyError as exc:
            raise SurveyError(
                _("Phiếu thứ %(number)s: %(error)s") % {"number": number, "error": " ".join(exc.messages)}
            ) from None
    return made


# --- feedback ------------------------------------------------------------------------------------


def _feedback_code() -> str:
    """Given to the sender to follow the item: short, unguessable (about 50 random bits)."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "PA-" + "".join(secrets.choice(alphabet) for _ in range(10))


def _log(feedback: Feedback, actor: User | None, action: str, note: str = "") -> None:
    FeedbackEvent.objects.create(feedback=feedback, actor=actor, action=action, note=note)


@transaction.atomic
def feedback_submit(
    *,
    actor: User | None,
    subject: str,
    title: str,
    content: str,
    name: str,
    phone: str = "",
    email: str = "",
    dossier_code: str = "",
    procedure: Procedure | None = None,
    now: datetime | None = None,
) -> Feedback:
    """Anyone sends feedback; the answer is due in ``SURVEYS_FEEDBACK_ANSWER_DAYS`` working days."""
    if subject not in Subject.values:
        raise SurveyError(_("Vui lòng chọn nội dung phản ánh về."))
    if not name.strip():
        raise SurveyError(_("Vui lòng nhập họ tên người gửi."))
    if not phone.strip() and not email.strip():
        raise SurveyError(_("Vui lòng nhập số điện thoại hoặc email để nhận trả lời."))
    if not title.strip() or not content.strip():
        raise SurveyError(_("Vui lòng nhập tiêu đề và nội dung phản ánh."))
    # An unknown code is kept as typed, never refused: the public form must not tell whether a
    # dossier code exists (codes are guessable by law). Staff see the code when they triage.
    code = dossier_code.strip().upper()
    dossier = Dossier.objects.filter(code=code).select_related("procedure").first() if code else None
    if subject == Subject.DOSSIER and not code:
        raise SurveyError(_("Vui lòng nhập mã hồ sơ cần phản ánh."))
    received = now or timezone.now()
    feedback = Feedback.objects.create(
        code=_feedback_code(),
        subject=subject,
        dossier=dossier,
        typed_dossier_code=code,
        procedure=procedure or (dossier.procedure if dossier else None),
        title=title.strip(),
        content=content.strip(),
        sender_name=name.strip(),
        sender_phone=phone.strip(),
        sender_email=email.strip(),
        sender_user=actor if actor is not None and actor.is_authenticated else None,
        agency=dossier.resolving_agency if dossier else None,
        received_at=received,
        due_at=workdays.due_at(received, settings.SURVEYS_FEEDBACK_ANSWER_DAYS),
    )
    _log(feedback, feedback.sender_user, "submit")
    if dossier is not None:
        dossier_services.dossier_note_opinion(dossier=dossier, feedback=True)  # Decision 766 counts it
    return feedback


def _locked_in_scope(actor: User, feedback: Feedback) -> Feedback:
    require(actor, "feedback.handle")
    feedback = Feedback.objects.select_for_update().get(pk=feedback.pk)
    scope = agency_scope(actor)
    if scope is not None and feedback.agency_id is not None and feedback.agency_id not in set(scope):
        raise SurveyError(_("Phản ánh này không thuộc cơ quan của bạn."))
    return feedback


@transaction.atomic
def feedback_assign(*, actor: User, feedback: Feedback, agency: Agency, note: str = "") -> Feedback:
    """Triage: send the item to the agency that must answer it."""
    feedback = _locked_in_scope(actor, feedback)
    if feedback.status not in OPEN_FEEDBACK:
        raise SurveyError(_("Phản ánh đã được xử lý xong, không thể chuyển."))
    feedback.agency = agency
    feedback.status = FeedbackStatus.ASSIGNED
    feedback.save(update_fields=["agency", "status"])
    _log(feedback, actor, "assign", f"{agency.code} {note}".strip())
    return feedback


@transaction.atomic
def feedback_answer(*, actor: User, feedback: Feedback, answer: str) -> Feedback:
    feedback = _locked_in_scope(actor, feedback)
    if feedback.status not in OPEN_FEEDBACK:
        raise SurveyError(_("Phản ánh này đã được trả lời hoặc đã đóng."))
    if not answer.strip():
        raise SurveyError(_("Vui lòng nhập nội dung trả lời."))
    if feedback.agency_id is None:
        feedback.agency = actor.agency
    feedback.answer = answer.strip()
    feedback.answered_at = timezone.now()
    feedback.answered_by = actor
    feedback.status = FeedbackStatus.ANSWERED
    feedback.save(update_fields=["agency", "answer", "answered_at", "answered_by", "status"])
    _log(feedback, actor, "answer")
    notices.feedback_answered(feedback)  # outbox rows in this transaction, sent on commit
    return feedback


@transaction.atomic
def feedback_publish(*, actor: User, feedback: Feedback, public_content: str, public_answer: str) -> Feedback:
    """Staff confirm the redacted text shown on the public page."""
    feedback = _locked_in_scope(actor, feedback)
    if feedback.status != FeedbackStatus.ANSWERED:
        raise SurveyError(_("Chỉ công khai phản ánh đã được trả lời."))
    public_content, public_answer = public_content.strip(), public_answer.strip()
    if not public_content or not public_answer:
        raise SurveyError(_("Vui lòng nhập nội dung và trả lời sẽ công khai."))
    for personal in (feedback.sender_name, feedback.sender_phone, feedback.sender_email):
        text = f"{public_content} {public_answer}".lower()
        if personal and personal.lower() in text:
            raise SurveyError(_("Nội dung công khai còn chứa thông tin cá nhân của người gửi; vui lòng xóa."))
    feedback.public_content = public_content
    feedback.public_answer = public_answer
    feedback.published_at = timezone.now()
    feedback.status = FeedbackStatus.PUBLISHED
    feedback.save(update_fields=["public_content", "public_answer", "published_at", "status"])
    _log(feedback, actor, "publish")
    return feedback


@transaction.atomic
def feedback_reject(*, actor: User, feedback: Feedback, reason: str) -> Feedback:
    feedback = _locked_in_scope(actor, feedback)
    if feedback.status not in OPEN_FEEDBACK:
        raise SurveyError(_("Phản ánh này đã được trả lời hoặc đã đóng."))
    if not reason.strip():
        raise SurveyError(_("Vui lòng nhập lý do không xử lý."))
    feedback.reject_reason = reason.strip()
    feedback.status = FeedbackStatus.REJECTED
    feedback.save(update_fields=["reject_reason", "status"])
    _log(feedback, actor, "reject", reason.strip())
    return feedback
