"""Demo ratings and feedback for ``manage.py seed_demo``. Running it again changes nothing."""

from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.demo import CITIZEN_PHONE
from accounts.models import Role, User
from accounts.phones import normalize_phone
from dossiers import statistics
from dossiers.models import Dossier
from dossiers.workflow import Status
from surveys import figures, services
from surveys.models import Feedback, Rating, RatingChannel, Reason, Score, Subject

DEMO_REASONS = (
    "Thời gian chờ đợi lâu",
    "Cán bộ hướng dẫn chưa rõ ràng",
    "Thái độ phục vụ chưa tốt",
    "Trả kết quả không đúng hẹn",
    "Phải đi lại nhiều lần",
)
# score of the n-th returned dossier: mostly satisfied, one in seven unsatisfied
SCORES = (
    Score.VERY_SATISFIED,
    Score.SATISFIED,
    Score.VERY_SATISFIED,
    Score.SATISFIED,
    Score.VERY_SATISFIED,
    Score.SATISFIED,
    Score.UNSATISFIED,
)
DEMO_FEEDBACK = (
    # title, content, published
    ("Đề nghị bố trí thêm ghế chờ", "Khu vực chờ buổi sáng thiếu ghế ngồi cho người cao tuổi.", True),
    (
        "Hỏi về thời hạn cấp phiếu lý lịch tư pháp",
        "Tôi muốn biết thời hạn giải quyết khi nộp trực tuyến.",
        False,
    ),
    ("Máy lấy số thứ tự bị lỗi", "Sáng nay máy lấy số ở tầng 1 không in được phiếu.", False),
)


# Returned demo dossiers rated one by one through the service; beyond them (the bulk synthetic
# history of ``seed_demo --dossiers N``) a third are rated in bulk by ``_rate_history_in_bulk``.
SERVICE_RATINGS = 300


def _demo_citizen_id() -> int:
    """The demo citizen's returned dossiers are left for them to rate (``dossiers.demo``)."""
    citizen = User.objects.filter(phone=normalize_phone(CITIZEN_PHONE), role=Role.CITIZEN).first()
    return citizen.pk if citizen else 0


def _rate_history_in_bulk(reason: Reason) -> int:
    """Link ratings for one in three returned dossiers still unrated (the same scores as the
    service path, by dossier id: one in seven unsatisfied, with ``reason``), made as
    ``rating_by_link`` would make them, in two SQL statements: a million returned dossiers would
    take an hour one by one."""
    q = connection.ops.quote_name
    rating, dossier = q(Rating._meta.db_table), q(Dossier._meta.db_table)
    through = Rating.reasons.through
    link = q(through._meta.db_table)
    scores = "CASE WHEN d.id %% 7 = 6 THEN 1 WHEN d.id %% 7 IN (0, 2, 4) THEN 3 ELSE 2 END"
    before = Rating.objects.order_by("-id").values_list("id", flat=True).first() or 0
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {rating} (dossier_id, score, comment, channel, clerk_id, agency_id, "  # noqa: S608  # nosec B608
            f"procedure_id, office_id, created_at) "
            f"SELECT d.id, {scores}, '', %s, d.received_by_id, d.resolving_agency_id, d.procedure_id, "
            f"d.intake_office_id, COALESCE(d.returned_at, d.updated_at) FROM {dossier} d "
            f"WHERE d.status = %s AND d.id %% 3 = 0 "
            f"AND (d.applicant_user_id IS NULL OR d.applicant_user_id <> %s) "
            f"AND NOT EXISTS (SELECT 1 FROM {rating} r WHERE r.dossier_id = d.id)",
            [RatingChannel.LINK, Status.RETURNED, _demo_citizen_id()],
        )
        made = cursor.rowcount
        cursor.execute(
            f"INSERT INTO {link} (rating_id, reason_id) SELECT r.id, %s FROM {rating} r "  # noqa: S608  # nosec B608
            f"WHERE r.id > %s AND r.score = %s AND r.channel = %s AND r.comment = ''",
            [reason.pk, before, Score.UNSATISFIED, RatingChannel.LINK],
        )
    # as ``rating_by_link`` does through ``dossier_note_opinion``: Decision 766's index counts them
    statistics.bulk_change(
        Dossier.objects.filter(
            rated_unsatisfied=False, rating__score=Score.UNSATISFIED, rating__channel=RatingChannel.LINK
        ),
        rated_unsatisfied=True,
    )
    return made


@transaction.atomic
def seed_demo_surveys() -> tuple[int, int]:
    """Reasons, ratings on the returned demo dossiers not rated yet, a few feedback items (one
    answered and published). Returns (ratings made, feedback items made)."""
    reasons = [
        Reason.objects.get_or_create(text=text, defaults={"position": n})[0]
        for n, text in enumerate(DEMO_REASONS)
    ]
    ratings = 0
    returned = (
        Dossier.objects.filter(status=Status.RETURNED, rating__isnull=True)
        .exclude(applicant_user_id=_demo_citizen_id())
        .order_by("id")
    )
    for dossier in returned[:SERVICE_RATINGS]:
        score = SCORES[dossier.pk % len(SCORES)]
        services.rating_by_link(
            dossier=dossier, score=score, reasons=reasons[:1] if score == Score.UNSATISFIED else []
        )
        ratings += 1
    ratings += _rate_history_in_bulk(reasons[0])
    figures.rebuild_rating_days()  # the bulk ratings bypassed the service that counts them
    made = 0
    staff = User.objects.filter(role=Role.CLERK, agency__isnull=False).order_by("id").first()
    for title, content, published in DEMO_FEEDBACK:
        if Feedback.objects.filter(title=title).exists():
            continue
        item = services.feedback_submit(
            actor=None,
            subject=Subject.CENTER,
            title=title,
            content=content,
            name="Nguyễn Thị Demo",
            phone="0900000000",
        )
        made += 1
        if published and staff is not None:
            item = services.feedback_answer(
                actor=staff, feedback=item, answer="Trung tâm đã bố trí thêm 20 ghế chờ từ tuần này."
            )
            services.feedback_publish(
                actor=staff,
                feedback=item,
                public_content=content,
                public_answer="Trung tâm đã bố trí thêm 20 ghế chờ từ tuần này.",
            )
    return ratings, made


@transaction.atomic
def seed_demo_kiosks() -> int:
    """A rating-tablet address for each active counter that has none (issued by the demo
    administrator). Returns how many were issued."""
    from counters.models import Counter

    admin = User.objects.filter(role=Role.ADMIN).order_by("id").first()
    if admin is None:
        return 0
    counters = Counter.objects.filter(is_active=True, rating_kiosk__isnull=True).order_by("id")
    return len([services.kiosk_issue(actor=admin, counter=counter) for counter in counters])


def load_demo(command, *, dossiers: int, verbosity: int) -> None:
    """``seed_demo``'s loader (settings.HCC_DEMO_LOADERS): with ``--dossiers``, ratings and
    feedback on them, and a rating-tablet address for each counter."""
    if not dossiers:
        return
    ratings, feedback = seed_demo_surveys()
    command.stdout.write(
        _("Đánh giá, phản ánh: tạo mới %(ratings)s đánh giá, %(feedback)s phản ánh.")
        % {"ratings": ratings, "feedback": feedback}
    )
    command.stdout.write(
        _("Máy tính bảng đánh giá tại quầy: cấp mới %(count)s địa chỉ (xem ở %(url)s).")
        % {
            "count": seed_demo_kiosks(),
            "url": settings.HCC_SITE_URL.rstrip("/") + reverse("surveys:kiosks"),
        }
    )
