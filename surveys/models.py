"""Satisfaction ratings (đánh giá mức độ hài lòng) and citizen feedback (phản ánh, kiến nghị)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dossiers.punctuality import LATE, ON_TIME, is_late


class Score(models.IntegerChoices):
    VERY_SATISFIED = 3, _("Rất hài lòng")
    SATISFIED = 2, _("Hài lòng")
    UNSATISFIED = 1, _("Không hài lòng")


class RatingChannel(models.TextChoices):
    KIOSK = "kiosk", _("Máy tính bảng tại quầy")
    LINK = "link", _("Đường dẫn sau khi trả kết quả")
    ONLINE = "online", _("Trang hồ sơ của công dân")
    PAPER = "paper", _("Phiếu giấy")


class Reason(models.Model):
    """A reason an unsatisfied citizen may tick (the list is edited in the admin)."""

    text = models.CharField(_("lý do"), max_length=200, unique=True)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    is_active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        verbose_name = _("lý do không hài lòng")
        verbose_name_plural = _("lý do không hài lòng")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text


class Rating(models.Model):
    dossier = models.OneToOneField(
        "dossiers.Dossier",
        db_constraint=False,
        verbose_name=_("hồ sơ"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rating",
    )
    score = models.PositiveSmallIntegerField(_("mức độ hài lòng"), choices=Score.choices)
    reasons = models.ManyToManyField(Reason, verbose_name=_("lý do"), blank=True, related_name="ratings")
    comment = models.TextField(_("ý kiến khác"), blank=True)
    channel = models.CharField(_("kênh đánh giá"), max_length=8, choices=RatingChannel.choices)
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cán bộ"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ratings_received",
    )
    counter = models.ForeignKey(
        "counters.Counter",
        verbose_name=_("quầy"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ratings",
    )
    agency = models.ForeignKey(
        "procedures.Agency",
        verbose_name=_("cơ quan giải quyết"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ratings",
    )
    procedure = models.ForeignKey(
        "procedures.Procedure",
        verbose_name=_("thủ tục"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ratings",
    )
    office = models.ForeignKey(
        "procedures.Agency",
        verbose_name=_("nơi tiếp nhận"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="office_ratings",
    )
    created_at = models.DateTimeField(_("đánh giá lúc"), db_index=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nhập phiếu"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("đánh giá")
        verbose_name_plural = _("đánh giá")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["agency", "created_at"]),
            models.Index(fields=["clerk", "created_at"]),
            models.Index(fields=["office", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_score_display()} ({self.get_channel_display()})"


class Subject(models.TextChoices):
    DOSSIER = "dossier", _("Hồ sơ")
    PROCEDURE = "procedure", _("Thủ tục hành chính")
    CLERK = "clerk", _("Cán bộ, công chức")
    CENTER = "center", _("Trung tâm, bộ phận một cửa")


class FeedbackStatus(models.TextChoices):
    RECEIVED = "received", _("Mới tiếp nhận")
    ASSIGNED = "assigned", _("Đang xử lý")
    ANSWERED = "answered", _("Đã trả lời")
    PUBLISHED = "published", _("Đã công khai")
    REJECTED = "rejected", _("Không xử lý")


OPEN_FEEDBACK = (FeedbackStatus.RECEIVED, FeedbackStatus.ASSIGNED)


class Feedback(models.Model):
    code = models.CharField(_("mã phản ánh"), max_length=20, unique=True)
    subject = models.CharField(_("phản ánh về"), max_length=12, choices=Subject.choices)
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        db_constraint=False,
        verbose_name=_("hồ sơ"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="feedback",
    )
    # The dossier code as the sender typed it, known or not: the public form never tells whether a
    # code exists (staff see it when they triage).
    typed_dossier_code = models.CharField(_("mã hồ sơ người gửi ghi"), max_length=40, blank=True)
    procedure = models.ForeignKey(
        "procedures.Procedure",
        verbose_name=_("thủ tục"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="feedback",
    )
    title = models.CharField(_("tiêu đề"), max_length=200)
    content = models.TextField(_("nội dung"))
    sender_name = models.CharField(_("họ tên người gửi"), max_length=200)
    sender_phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    sender_email = models.EmailField(_("email"), blank=True)
    sender_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=FeedbackStatus.choices, default=FeedbackStatus.RECEIVED
    )
    agency = models.ForeignKey(
        "procedures.Agency",
        verbose_name=_("cơ quan xử lý"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="feedback",
    )
    received_at = models.DateTimeField(_("tiếp nhận lúc"), db_index=True)
    # Stored when computed, never recomputed on read.
    due_at = models.DateTimeField(_("hạn trả lời"), db_index=True)
    answer = models.TextField(_("nội dung trả lời"), blank=True)
    answered_at = models.DateTimeField(_("trả lời lúc"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # What the public page shows, confirmed by staff (no personal data).
    public_content = models.TextField(_("nội dung công khai"), blank=True)
    public_answer = models.TextField(_("trả lời công khai"), blank=True)
    published_at = models.DateTimeField(_("công khai lúc"), null=True, blank=True)
    reject_reason = models.TextField(_("lý do không xử lý"), blank=True)

    class Meta:
        verbose_name = _("phản ánh, kiến nghị")
        verbose_name_plural = _("phản ánh, kiến nghị")
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["agency", "status", "due_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(sender_phone="") | ~Q(sender_email=""), name="feedback_has_contact"
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_FEEDBACK

    @property
    def punctuality(self) -> str | None:
        """on_time / late once answered (``dossiers.punctuality``, as for dossiers; an answer has
        no "early"), else None."""
        if not self.answered_at:
            return None
        return LATE if is_late(self.answered_at, self.due_at) else ON_TIME


class FeedbackEvent(models.Model):
    """Append-only log of what staff did with a feedback item."""

    feedback = models.ForeignKey(Feedback, on_delete=models.PROTECT, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=16)
    note = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.feedback_id} {self.action}"


class RatingKiosk(models.Model):
    """The tablet facing citizens at a counter. Its page is opened by a secret address, so that
    nobody outside the center can rate a clerk by guessing a counter's number; issuing a new
    address (when a tablet is lost) makes the old one answer 404."""

    counter = models.OneToOneField(
        "counters.Counter", verbose_name=_("quầy"), on_delete=models.PROTECT, related_name="rating_kiosk"
    )
    token = models.CharField(_("mã bí mật"), max_length=64, unique=True, editable=False)
    issued_at = models.DateTimeField(_("cấp lúc"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người cấp"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("máy tính bảng đánh giá")
        verbose_name_plural = _("máy tính bảng đánh giá")

    def __str__(self) -> str:
        return str(self.counter)


class RatingDay(models.Model):
    """How many ratings of each score came in on ``day`` (local date) for one resolving agency and
    one office (their ids; 0 for none): the dashboards' satisfaction figures read this instead of
    the ratings, which a province counts in millions. Written with each rating, in its
    transaction (``surveys.services``); rebuilt by ``surveys.figures.rebuild_rating_days``. The
    whole months of a period are read from ``RatingMonth`` instead."""

    day = models.DateField()
    agency_pk = models.IntegerField(default=0)
    office_pk = models.IntegerField(default=0)
    score = models.PositiveSmallIntegerField(choices=Score.choices)
    n = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("số đánh giá theo ngày")
        verbose_name_plural = _("số đánh giá theo ngày")
        constraints = [
            models.UniqueConstraint(fields=["day", "agency_pk", "office_pk", "score"], name="rating_day_key"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.agency_pk}/{self.office_pk} {self.score}={self.n}"


class RatingMonth(models.Model):
    """``RatingDay`` summed by month (``month``: its first day): a year's satisfaction figures read
    twelve months of these and the days at the period's edges (``web.periods``), not every day.
    Written beside the daily count, in the same transaction (``surveys.figures.count_rating``);
    rebuilt with it (``rebuild_rating_days``)."""

    month = models.DateField()
    agency_pk = models.IntegerField(default=0)
    office_pk = models.IntegerField(default=0)
    score = models.PositiveSmallIntegerField(choices=Score.choices)
    n = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("số đánh giá theo tháng")
        verbose_name_plural = _("số đánh giá theo tháng")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "agency_pk", "office_pk", "score"], name="rating_month_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.agency_pk}/{self.office_pk} {self.score}={self.n}"
