"""Demo ratings and feedback for ``manage.py seed_demo``. Running it again changes nothing."""

from django.db import transaction

from accounts.models import Role, User
from dossiers.models import Dossier
from dossiers.workflow import Status
from surveys import services
from surveys.models import Feedback, Reason, Score, Subject

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


@transaction.atomic
def seed_demo_surveys() -> tuple[int, int]:
    """Reasons, ratings on the returned demo dossiers not rated yet, a few feedback items (one
    answered and published). Returns (ratings made, feedback items made)."""
    reasons = [
        Reason.objects.get_or_create(text=text, defaults={"position": n})[0]
        for n, text in enumerate(DEMO_REASONS)
    ]
    ratings = 0
    returned = Dossier.objects.filter(status=Status.RETURNED, rating__isnull=True).order_by("id")
    for dossier in returned:
        score = SCORES[dossier.pk % len(SCORES)]
        services.rating_by_link(
            dossier=dossier, score=score, reasons=reasons[:1] if score == Score.UNSATISFIED else []
        )
        ratings += 1
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
