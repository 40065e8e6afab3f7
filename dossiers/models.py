"""Dossiers (hồ sơ), their files, routed steps and the append-only event log."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dossiers.workflow import Status


class Channel(models.TextChoices):
    COUNTER = "counter", _("Trực tiếp")
    ONLINE = "online", _("Trực tuyến")
    POSTAL = "postal", _("Bưu chính công ích")


class ApplicantKind(models.TextChoices):
    PERSON = "person", _("Cá nhân")
    ORGANISATION = "organisation", _("Tổ chức")


class IdKind(models.TextChoices):
    """How a person is identified: a Vietnamese citizen by the 12-digit personal identification
    number (CCCD), a foreigner by passport number and nationality. An organisation is identified
    by its tax code (``Dossier.tax_code``); its representative's number is then optional."""

    CCCD = "cccd", _("Căn cước (CCCD)")
    PASSPORT = "passport", _("Hộ chiếu")


class ReturnMethod(models.TextChoices):
    COUNTER = "counter", _("Nhận tại bộ phận một cửa")
    POST = "post", _("Nhận qua bưu chính")
    ONLINE = "online", _("Nhận trực tuyến")


class Dossier(models.Model):
    # Unique by a constraint below, not ``unique=True``: on PostgreSQL that would add a second,
    # pattern-matching index that no query uses (the desk's search is case-insensitive).
    code = models.CharField(_("mã hồ sơ"), max_length=40)
    # Printed on the receipt; with the code it opens the public tracking page.
    secret = models.CharField(_("mã tra cứu"), max_length=16)
    # Carried by the QR link: at least 128 random bits. Unique by a constraint below.
    tracking_token = models.CharField(max_length=64, editable=False)
    procedure = models.ForeignKey(
        "procedures.Procedure", verbose_name=_("thủ tục"), on_delete=models.PROTECT, related_name="dossiers"
    )
    resolving_agency = models.ForeignKey(
        "procedures.Agency",
        verbose_name=_("cơ quan giải quyết"),
        on_delete=models.PROTECT,
        related_name="resolved_dossiers",
        db_index=False,  # led by the (resolving_agency, status) index
    )
    intake_office = models.ForeignKey(
        "procedures.Agency",
        verbose_name=_("nơi tiếp nhận"),
        on_delete=models.PROTECT,
        related_name="received_dossiers",
        db_index=False,  # led by the (intake_office, status) index
    )
    channel = models.CharField(_("kênh nộp"), max_length=8, choices=Channel.choices)
    # Indexed as the lead of (status, due_at).
    status = models.CharField(_("trạng thái"), max_length=24, choices=Status.choices)

    applicant_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản người nộp"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dossiers",
        db_index=False,  # a partial index below: most dossiers of a center have no account
    )
    applicant_kind = models.CharField(
        _("người nộp là"), max_length=16, choices=ApplicantKind.choices, default=ApplicantKind.PERSON
    )
    applicant_name = models.CharField(_("họ tên người nộp"), max_length=200)
    organisation_name = models.CharField(_("tên tổ chức"), max_length=300, blank=True)
    id_kind = models.CharField(
        _("loại giấy tờ tùy thân"), max_length=8, choices=IdKind.choices, default=IdKind.CCCD
    )
    # A CCCD (12 digits) or a passport number (up to 20); empty for an organisation that gave only
    # its tax code.
    id_number = models.CharField(_("số giấy tờ tùy thân"), max_length=20, blank=True)
    # ISO 3166-1 alpha-2, with a passport; empty with a CCCD (a Vietnamese citizen).
    nationality = models.CharField(_("quốc tịch"), max_length=2, blank=True)
    tax_code = models.CharField(_("mã số thuế"), max_length=14, blank=True)
    phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    address = models.CharField(_("địa chỉ"), max_length=500)
    request_summary = models.TextField(_("nội dung yêu cầu"), blank=True)
    sets_count = models.PositiveSmallIntegerField(_("số bộ hồ sơ"), default=1)

    return_method = models.CharField(
        _("hình thức nhận kết quả"), max_length=8, choices=ReturnMethod.choices, default=ReturnMethod.COUNTER
    )
    return_address = models.CharField(_("địa chỉ nhận kết quả qua bưu chính"), max_length=500, blank=True)

    submitted_at = models.DateTimeField(_("nộp lúc"), null=True, blank=True)
    received_at = models.DateTimeField(_("tiếp nhận lúc"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tiếp nhận"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # a partial index below: imported history has no receiving clerk
    )
    # Stored when computed (at receipt, moved by paused time), never recomputed on read.
    due_at = models.DateTimeField(_("hẹn trả kết quả"), null=True, blank=True)
    # The new date promised in an apology letter; ``due_at`` stays the legal deadline.
    # The dossier's line in its intake office's register (form 07, one book a year): given at
    # receipt, never recomputed, so an import of older dossiers cannot shift it.
    register_book = models.PositiveSmallIntegerField(_("sổ theo dõi, quyển số"), null=True, blank=True)
    register_number = models.PositiveIntegerField(_("sổ theo dõi, số thứ tự"), null=True, blank=True)
    result_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người ký kết quả tại chỗ"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    promised_at = models.DateTimeField(_("hẹn lại"), null=True, blank=True)
    paused_at = models.DateTimeField(_("tạm dừng từ"), null=True, blank=True)
    result_ready_at = models.DateTimeField(_("có kết quả lúc"), null=True, blank=True, db_index=True)
    returned_at = models.DateTimeField(_("trả kết quả lúc"), null=True, blank=True)
    closed_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)
    # What the citizen said of the service (set by ``surveys`` through ``services.dossier_note_opinion``):
    # the statistics count Decision 766's satisfaction index from these, in the rollup.
    rated_unsatisfied = models.BooleanField(_("bị đánh giá không hài lòng"), default=False)
    has_feedback = models.BooleanField(_("có phản ánh, kiến nghị"), default=False)

    result_note = models.TextField(_("kết quả giải quyết"), blank=True)
    closing_reason = models.TextField(_("lý do từ chối, dừng, rút"), blank=True)
    returned_to = models.CharField(_("người nhận kết quả"), max_length=200, blank=True)
    postal_tracking = models.CharField(_("số hiệu bưu gửi"), max_length=64, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["intake_office", "status"]),
            models.Index(fields=["resolving_agency", "status"]),
            models.Index(fields=["status", "due_at"]),
            # the desk's "previous applicant" look-up; imported history has no ID number or phone
            models.Index(
                fields=["intake_office", "id_number"], condition=~Q(id_number=""), name="dossier_prev_by_id"
            ),
            models.Index(
                fields=["intake_office", "phone"], condition=~Q(phone=""), name="dossier_prev_by_phone"
            ),
            # Each index costs every write: a million imported rows pay for each one. Columns that
            # are mostly empty are indexed only where set.
            models.Index(
                fields=["applicant_user"], condition=Q(applicant_user__isnull=False), name="dossier_applicant"
            ),
            models.Index(
                fields=["received_by"], condition=Q(received_by__isnull=False), name="dossier_received_by"
            ),
            # the dashboards' "in progress now" and "overdue": open dossiers by agency and due date
            models.Index(
                fields=["resolving_agency", "due_at"],
                name="dossier_open_by_due",
                condition=Q(
                    status__in=["received", "processing", "supplement_requested", "awaiting_payment"]
                ),
            ),
            # the desk's returns: results ready at an office, waiting longest first (issue 25)
            models.Index(
                fields=["intake_office", "result_ready_at", "id"],
                name="dossier_ready_by_office",
                condition=Q(status="result_ready"),
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["code"], name="dossier_code_key"),
            models.UniqueConstraint(fields=["tracking_token"], name="dossier_tracking_token_key"),
            models.CheckConstraint(
                condition=~Q(return_method="post") | ~Q(return_address=""),
                name="dossier_post_return_needs_address",
            ),
            models.UniqueConstraint(
                fields=["intake_office", "register_book", "register_number"],
                condition=Q(register_number__isnull=False),
                name="dossier_register_line_key",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def status_code(self) -> int:
        """The national portal's status code (``dossiers.workflow.NATIONAL_CODES``)."""
        return Status.national_code(self.status, received=self.received_at is not None)

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_tax_code(self) -> str:
        return mask_id_number(self.tax_code)

    @property
    def identity_label(self) -> str:
        """How the applicant is identified, for pages: "CCCD", "Hộ chiếu (US)", "MST"."""
        if not self.id_number:
            return str(_("MST")) if self.tax_code else ""
        if self.id_kind == IdKind.PASSPORT:
            return f"{_('Hộ chiếu')} ({self.nationality})" if self.nationality else str(_("Hộ chiếu"))
        return str(_("CCCD"))

    @property
    def masked_identity(self) -> str:
        """The identifying number masked (last four shown): the person's, else the tax code."""
        return self.masked_id_number or self.masked_tax_code


def mask_id_number(value: str) -> str:
    """``001203004567`` → ``********4567``: pages show only the last four characters (the same for
    a passport number or a tax code)."""
    if not value:
        return ""
    return "*" * max(len(value) - 4, 0) + value[-4:]


class RegisterCounter(models.Model):
    """The last line written in an office's dossier register (form 07) in a year: gapless per
    office and book, bumped under a lock in the receiving transaction like ``DossierCounter``."""

    office = models.ForeignKey("procedures.Agency", on_delete=models.PROTECT, related_name="+")
    book = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["office", "book"], name="register_counter_office_book"),
        ]

    def __str__(self) -> str:
        return f"{self.office_id} {self.book} {self.last}"


class DossierCounter(models.Model):
    """The last dossier number given by an office on a day: codes are gapless per office and day,
    so they come from this row, bumped under a lock in the intake transaction."""

    office = models.ForeignKey("procedures.Agency", on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["office", "day"], name="dossier_counter_office_day")]

    def __str__(self) -> str:
        return f"{self.office_id} {self.day} {self.last}"


class SubmittedRequest(models.Model):
    """A post that must take effect once (``dossiers/once.py``): an intake form's one-time token, or
    an API call's ``Idempotency-Key``, with the answer it got, so a repeat (a double click, a
    retried request) gets that answer instead of doing it again. Kept 24 hours."""

    class Kind(models.TextChoices):
        FORM = "form", _("biểu mẫu")
        API = "api", _("API")

    kind = models.CharField(max_length=8, choices=Kind.choices)
    # The form's token, or "<user id>:<Idempotency-Key>" (keys are the client's: one per user).
    key = models.CharField(max_length=300)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # What was posted (method, path and, for JSON, the body's digest): a key reused for another
    # request is refused.
    fingerprint = models.CharField(max_length=64, blank=True)
    status_code = models.PositiveSmallIntegerField(default=0)
    location = models.CharField(max_length=2000, blank=True)
    body = models.BinaryField(blank=True, default=b"")
    content_type = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="submitted_request_once")]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} → {self.status_code}"


class FileKind(models.TextChoices):
    SUBMISSION = "submission", _("Thành phần hồ sơ")
    SUPPLEMENT = "supplement", _("Bổ sung")
    RESULT = "result", _("Kết quả")


def dossier_file_path(instance: "DossierFile", filename: str) -> str:
    """Server-made names only: the uploader's file name is kept in the row, never on disk."""
    extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}.get(
        instance.content_type, "bin"
    )
    return f"dossiers/{instance.dossier_id}/{instance.sha256[:16]}-{instance.token}.{extension}"


class DossierFile(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="files")
    document = models.ForeignKey(
        "procedures.RequiredDocument",
        verbose_name=_("thành phần hồ sơ"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The required document's name when the file came in (the catalog may change later).
    document_name = models.CharField(_("thành phần hồ sơ"), max_length=1000, blank=True)
    kind = models.CharField(max_length=12, choices=FileKind.choices, default=FileKind.SUBMISSION)
    is_original = models.BooleanField(_("bản chính"), default=False)
    file = models.FileField(upload_to=dossier_file_path, max_length=255)
    token = models.CharField(max_length=32, editable=False)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    size = models.PositiveBigIntegerField(_("dung lượng"))
    sha256 = models.CharField(max_length=64)
    content_type = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tệp hồ sơ")
        verbose_name_plural = _("tệp hồ sơ")
        ordering = ["dossier", "id"]

    def __str__(self) -> str:
        return self.original_name


class DocumentReceived(models.Model):
    """A required document ticked as received at the desk: originals and copies counted."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="documents_received")
    document = models.ForeignKey(
        "procedures.RequiredDocument", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The document's name at intake: what the applicant handed over, whatever the catalog says later.
    name = models.CharField(_("tên giấy tờ"), max_length=1000, default="")
    originals = models.PositiveSmallIntegerField(_("số bản chính"), default=0)
    copies = models.PositiveSmallIntegerField(_("số bản sao"), default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["dossier", "document"], name="document_received_once"),
        ]

    def __str__(self) -> str:
        return f"{self.document_id}: {self.originals}/{self.copies}"


class StepStatus(models.TextChoices):
    WAITING = "waiting", _("Chờ bước trước")
    ACTIVE = "active", _("Đang chờ xử lý")
    CLAIMED = "claimed", _("Đang xử lý")
    DONE = "done", _("Đã xong")
    CANCELLED = "cancelled", _("Đã hủy")


class Step(models.Model):
    """One routed step of a dossier, made from the procedure's ProcessStep."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("thứ tự"))
    agency = models.ForeignKey(
        "procedures.Agency", verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("nội dung"), max_length=255)
    working_days = models.DecimalField(_("số ngày làm việc"), max_digits=6, decimal_places=2)
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=StepStatus.choices, default=StepStatus.WAITING
    )
    started_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(_("hạn xử lý"), null=True, blank=True, db_index=True)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    finished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("ý kiến xử lý"), blank=True)

    class Meta:
        verbose_name = _("bước xử lý")
        verbose_name_plural = _("bước xử lý")
        ordering = ["dossier", "order", "id"]
        indexes = [
            models.Index(fields=["agency", "status", "due_at"]),
            # the reviewer's inbox, due first: read in order and stopped at a page (issue 25)
            models.Index(
                fields=["agency", "due_at", "id"],
                name="step_open_by_due",
                condition=Q(status__in=["active", "claimed"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}/{self.order} {self.name}"


class SupplementRequest(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="supplement_requests")
    step = models.ForeignKey(Step, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # Asked by the desk before an online submission was accepted (form 02 at intake), not during
    # processing: the clock had not started, and the one-request rule of each stage counts its own.
    at_intake = models.BooleanField(_("yêu cầu khi tiếp nhận"), default=False)
    items = models.JSONField(_("nội dung cần bổ sung"), default=list)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    supplied_at = models.DateTimeField(null=True, blank=True)
    supplied_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return "; ".join(self.items)


class GuidanceKind(models.TextChoices):
    SUPPLEMENT = "supplement", _("Yêu cầu bổ sung, hoàn thiện hồ sơ (mẫu 02)")
    REFUSAL = "refusal", _("Từ chối tiếp nhận hồ sơ (mẫu 03)")


class IntakeGuidance(models.Model):
    """A walk-in dossier the desk did not receive (Decree 61/2018 art. 19(2) as amended by Decree
    107/2021): incomplete, with everything missing listed at once (form 02), or not receivable,
    with the reason (form 03). No dossier is made and nothing is counted as received: this is the
    desk's record of the guidance given and of the paper handed over, numbered
    ``<office code>-HD-<yymmdd>-<nnn>`` per office and day."""

    code = models.CharField(_("số phiếu"), max_length=48, unique=True)
    kind = models.CharField(_("loại phiếu"), max_length=12, choices=GuidanceKind.choices)
    office = models.ForeignKey(
        "procedures.Agency", verbose_name=_("nơi tiếp nhận"), on_delete=models.PROTECT, related_name="+"
    )
    procedure = models.ForeignKey(
        "procedures.Procedure", verbose_name=_("thủ tục"), on_delete=models.PROTECT, related_name="+"
    )
    applicant_kind = models.CharField(
        _("người nộp là"), max_length=16, choices=ApplicantKind.choices, default=ApplicantKind.PERSON
    )
    applicant_name = models.CharField(_("họ tên người nộp"), max_length=200)
    organisation_name = models.CharField(_("tên tổ chức"), max_length=300, blank=True)
    id_kind = models.CharField(
        _("loại giấy tờ tùy thân"), max_length=8, choices=IdKind.choices, default=IdKind.CCCD
    )
    id_number = models.CharField(_("số giấy tờ tùy thân"), max_length=20, blank=True)
    nationality = models.CharField(_("quốc tịch"), max_length=2, blank=True)
    tax_code = models.CharField(_("mã số thuế"), max_length=14, blank=True)
    phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    address = models.CharField(_("địa chỉ"), max_length=500, blank=True)
    # Form 02: every document or content still needed, listed once and in full.
    items = models.JSONField(_("nội dung cần bổ sung, hoàn thiện"), default=list, blank=True)
    # Form 03: why the dossier cannot be received; for form 02 an optional explanation.
    reason = models.TextField(_("lý do"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("cán bộ"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("lập lúc"), db_index=True)

    class Meta:
        verbose_name = _("phiếu hướng dẫn tại quầy")
        verbose_name_plural = _("phiếu hướng dẫn tại quầy")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["office", "created_at"])]

    def __str__(self) -> str:
        return self.code

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)


class ObligationKind(models.TextChoices):
    """Financial obligations assessed by the tax authority (or another agency) on a notice: paid to
    the State Treasury, never collected on the center's fee receipt."""

    LAND_USE_LEVY = "land_use_levy", _("Tiền sử dụng đất")
    LAND_RENT = "land_rent", _("Tiền thuê đất")
    REGISTRATION_FEE = "registration_fee", _("Lệ phí trước bạ")
    INCOME_TAX = "income_tax", _("Thuế thu nhập cá nhân")
    NON_AGRICULTURAL_LAND_TAX = "land_tax", _("Thuế sử dụng đất phi nông nghiệp")
    OTHER = "other", _("Nghĩa vụ tài chính khác")


class FinancialObligation(models.Model):
    """A financial obligation (nghĩa vụ tài chính) a reviewer asked the applicant to pay: written by
    ``dossier_request_payment`` (the dossier waits in ``awaiting_payment``, national status 6, and
    its clock is paused) and closed by ``dossier_confirm_payment`` with the payment proof.

    Not a fee: nothing here is ever a ``receipts.FeeLine`` or printed on a fee receipt."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="obligations")
    step = models.ForeignKey(Step, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    kind = models.CharField(_("loại nghĩa vụ"), max_length=24, choices=ObligationKind.choices)
    amount = models.PositiveBigIntegerField(_("số tiền (đồng)"))
    notice_number = models.CharField(_("số thông báo"), max_length=100)
    issuing_authority = models.CharField(_("cơ quan ra thông báo"), max_length=300)
    due_date = models.DateField(_("hạn nộp"), null=True, blank=True)
    note = models.TextField(_("nơi và cách nộp, ghi chú"), blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("yêu cầu lúc"))
    # Set by the confirmation: the treasury's or bank's document (chứng từ nộp tiền) number.
    payment_proof = models.CharField(_("chứng từ nộp tiền"), max_length=300, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("xác nhận lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("nghĩa vụ tài chính")
        verbose_name_plural = _("nghĩa vụ tài chính")
        ordering = ["dossier", "requested_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="obligation_amount_positive"),
            models.CheckConstraint(
                condition=Q(confirmed_at__isnull=True) | ~Q(payment_proof=""),
                name="obligation_confirmed_has_proof",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.notice_number}: {self.amount}"

    @property
    def is_paid(self) -> bool:
        return self.confirmed_at is not None


class EventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ValidationError(_("Nhật ký hồ sơ không được sửa."))

    def delete(self):
        raise ValidationError(_("Nhật ký hồ sơ không được xóa."))


class Event(models.Model):
    """Append-only: what happened to a dossier, who did it and when. Never edited or deleted."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="events")
    # step, actor and agency are empty on imported history (an event a dossier): indexed where set
    step = models.ForeignKey(
        Step, on_delete=models.PROTECT, null=True, blank=True, related_name="events", db_index=False
    )
    action = models.CharField(_("thao tác"), max_length=32)
    from_status = models.CharField(max_length=24, blank=True)
    to_status = models.CharField(max_length=24)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    agency = models.ForeignKey(
        "procedures.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    at = models.DateTimeField(db_index=True)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("sự kiện")
        verbose_name_plural = _("nhật ký hồ sơ")
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["step"], condition=Q(step__isnull=False), name="event_step"),
            models.Index(fields=["actor"], condition=Q(actor__isnull=False), name="event_actor"),
            models.Index(fields=["agency"], condition=Q(agency__isnull=False), name="event_agency"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.action} {self.at:%d/%m/%Y %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("Nhật ký hồ sơ không được sửa."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Nhật ký hồ sơ không được xóa."))
