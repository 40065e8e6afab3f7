"""The dossier (hồ sơ) and the choices it is filed with."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dossiers.workflow import Status
from procedures.text import fold


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
    # The names above folded (lower case, no diacritics: ``procedures.text.fold``), for the staff
    # search "nguyen van an". Written with the names at intake and import, never edited.
    applicant_search = models.TextField(editable=False, default="", blank=True)
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
    # Whether the papers, the result were digital and stored papers reused (set by ``documents``
    # through ``services.dossier_note_digitisation`` from its records): Decision 766's group 6,
    # counted by the statistics in the rollup.
    papers_digitised = models.BooleanField(_("thành phần hồ sơ đã số hóa"), default=False)
    result_digitised = models.BooleanField(_("kết quả đã số hóa"), default=False)
    papers_reused = models.BooleanField(_("có dùng lại giấy tờ trong kho dữ liệu"), default=False)

    result_note = models.TextField(_("kết quả giải quyết"), blank=True)
    closing_reason = models.TextField(_("lý do từ chối, dừng, rút"), blank=True)
    returned_to = models.CharField(_("người nhận kết quả"), max_length=200, blank=True)
    postal_tracking = models.CharField(_("số hiệu bưu gửi"), max_length=64, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The year the dossier came in, local time (``year_of_receipt``): set when the row is made and
    # never changed. The partition key of ``dossiers_dossier`` and ``dossiers_event`` on PostgreSQL
    # (``dossiers.partitions``): a query that names it reads one partition.
    received_year = models.SmallIntegerField(editable=False)

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
            # the desk's online queue: an office's submissions waiting for a clerk, oldest first,
            # and those sent back for a supplement before acceptance (issue 25)
            models.Index(
                fields=["intake_office", "submitted_at", "id"],
                name="dossier_online_queue",
                condition=Q(status="submitted"),
            ),
            models.Index(
                fields=["intake_office", "updated_at", "id"],
                name="dossier_intake_supplement",
                condition=Q(status="intake_supplement"),
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

    def save(self, *args, **kwargs):
        if self.received_year is None:
            self.received_year = self.year_of_receipt()
        super().save(*args, **kwargs)

    def year_of_receipt(self) -> int:
        """The year the dossier came in, local time: submitted (online, and every dossier the
        services make) or received (imported from a counter). Stored as ``received_year`` when the
        row is made; it never changes, because neither time does once set and one of them is set
        when the row is made (an imported online submission not yet received gets its import time,
        migration 0019). ``partitions.year_sql`` is the same in SQL."""
        moment = self.submitted_at or self.received_at or self.created_at or timezone.now()
        return timezone.localtime(moment).year

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


def applicant_search_key(name: str, organisation_name: str = "") -> str:
    """``Dossier.applicant_search``: the person's and the organisation's names, folded."""
    return fold(f"{name or ''} {organisation_name or ''}")


def mask_id_number(value: str) -> str:
    """``001203004567`` → ``********4567``: pages show only the last four characters (the same for
    a passport number or a tax code)."""
    if not value:
        return ""
    return "*" * max(len(value) - 4, 0) + value[-4:]


class DossierKey(models.Model):
    """The registry of the dossiers' keys on PostgreSQL (``dossiers.partitions``): one row a
    dossier, written by a trigger in the same statement as the dossier, keyed both ways with it by
    ``(id, received_year)``. It keeps ``code``, ``tracking_token`` and the register line unique
    across the years' partitions (a partitioned table cannot), and it is what every foreign key to
    the dossiers points at. Read by the look-ups that know only a code or a token
    (``selectors.by_key``). On SQLite its table does not exist: the dossier table keeps its keys."""

    id = models.BigIntegerField(primary_key=True)
    received_year = models.SmallIntegerField()
    code = models.CharField(max_length=40, unique=True)
    tracking_token = models.CharField(max_length=64, unique=True)
    intake_office_id = models.BigIntegerField()
    register_book = models.IntegerField(null=True)
    register_number = models.IntegerField(null=True)

    class Meta:
        db_table = "dossiers_dossierkey"

    def __str__(self) -> str:
        return self.code
