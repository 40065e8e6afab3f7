"""The procedure catalog: agencies, fields, procedures with their documents, fees and routing,
and the calendar's days off and make-up working days."""

from datetime import date
from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from procedures.text import fold, sort_key


class Level(models.TextChoices):
    CENTRAL = "central", _("Trung ương")
    PROVINCE = "province", _("Cấp tỉnh")
    DISTRICT = "district", _("Cấp huyện (trước 01/7/2025)")
    COMMUNE = "commune", _("Cấp xã")


# Two-tier local government (province and commune): district-level administrative units ended on
# 1 July 2025 (Resolution 203/2025/QH15 amending the Constitution, art. 110; the Law on the
# Organisation of Local Government 2025). From that day a district agency receives nothing new.
TWO_TIER_FROM = date(2025, 7, 1)


class AgencyKind(models.TextChoices):
    PEOPLES_COMMITTEE = "peoples_committee", _("Ủy ban nhân dân")
    CENTER = "center", _("Trung tâm Phục vụ hành chính công")
    DEPARTMENT = "department", _("Sở, ban, ngành")
    VERTICAL = "vertical", _("Cơ quan ngành dọc")
    ENTERPRISE = "enterprise", _("Doanh nghiệp cung ứng dịch vụ công")
    OTHER = "other", _("Khác")


class Agency(models.Model):
    code = models.CharField(_("mã cơ quan"), max_length=32, unique=True)
    name = models.CharField(_("tên cơ quan"), max_length=255)
    short_name = models.CharField(_("tên viết tắt"), max_length=64, blank=True)
    level = models.CharField(_("cấp"), max_length=16, choices=Level.choices)
    kind = models.CharField(_("loại"), max_length=32, choices=AgencyKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("cơ quan cấp trên"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    has_one_stop_desk = models.BooleanField(_("có bộ phận một cửa"), default=False)
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=32, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    # Printed on its fee receipts (Decree 123/2020/NĐ-CP art. 32: the collecting organisation's
    # name and tax code).
    tax_code = models.CharField(_("mã số thuế"), max_length=14, blank=True)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)

    class Meta:
        verbose_name = _("cơ quan")
        verbose_name_plural = _("cơ quan")
        ordering = ["level", "name"]

    def __str__(self) -> str:
        return self.name

    def receives_on(self, day: date) -> bool:
        """Whether the agency belongs to the structure in force on ``day`` and may receive a new
        dossier or be routed one: active, and not a district-level agency from ``TWO_TIER_FROM``.
        Its history stays readable and counted either way. The same rule as a filter:
        ``procedures.selectors.agencies_receiving``."""
        return self.is_active and not (self.level == Level.DISTRICT and day >= TWO_TIER_FROM)


class Field(models.Model):
    """Lĩnh vực: the national catalog's grouping of procedures (civil status, construction, …)."""

    code = models.CharField(_("mã lĩnh vực"), max_length=32, unique=True)
    name = models.CharField(_("tên lĩnh vực"), max_length=255)

    class Meta:
        verbose_name = _("lĩnh vực")
        verbose_name_plural = _("lĩnh vực")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OnlineLevel(models.TextChoices):
    FULL = "full", _("Trực tuyến toàn trình")
    PARTIAL = "partial", _("Trực tuyến một phần")
    NONE = "none", _("Không trực tuyến")


class TimeUnit(models.TextChoices):
    """The unit of a procedure's time limit, as the procedure's legal text sets it: most are in
    working days ("15 ngày làm việc"), some in working hours ("4 giờ làm việc": counted in office
    hours, ``processing_days`` holding them as a fraction of an 8-hour working day, 4 giờ = 0,5),
    some in calendar days ("30 ngày")."""

    WORKING_DAY = "working_day", _("ngày làm việc")
    WORKING_HOUR = "working_hour", _("giờ làm việc")
    CALENDAR_DAY = "calendar_day", _("ngày (theo lịch)")


# Working hours in a working day (07:00–11:30 and 13:30–17:00): a limit in hours is kept in days.
HOURS_PER_WORKING_DAY = 8


class Procedure(models.Model):
    code = models.CharField(
        _("mã thủ tục"), max_length=32, unique=True, help_text=_("Mã TTHC quốc gia, ví dụ 1.004227.")
    )
    name = models.CharField(_("tên thủ tục"), max_length=500)
    search_text = models.TextField(editable=False, default="", db_index=False)
    # The name's Vietnamese alphabetical key (``procedures.text.sort_key``): lists sort on it.
    sort_name = models.TextField(editable=False, default="", db_index=True)
    field = models.ForeignKey(
        Field, verbose_name=_("lĩnh vực"), on_delete=models.PROTECT, related_name="procedures"
    )
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan giải quyết"),
        on_delete=models.PROTECT,
        related_name="procedures",
    )
    level = models.CharField(_("cấp thực hiện"), max_length=16, choices=Level.choices)
    processing_days = models.DecimalField(
        _("thời hạn giải quyết (ngày làm việc)"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("Ngày làm việc, có thể lẻ (0,5 = 4 giờ làm việc); 0 = giải quyết trong ngày."),
    )
    time_unit = models.CharField(
        _("đơn vị thời hạn"),
        max_length=16,
        choices=TimeUnit.choices,
        default=TimeUnit.WORKING_DAY,
        help_text=_(
            "Ngày làm việc (không tính thứ Bảy, Chủ nhật, ngày lễ) hoặc ngày theo lịch khi văn bản "
            "quy định “… ngày” (hết giờ làm việc của ngày cuối; ngày cuối là ngày nghỉ thì chuyển "
            "sang ngày làm việc kế tiếp)."
        ),
    )
    processing_time_note = models.CharField(_("ghi chú thời hạn"), max_length=500, blank=True)
    online_level = models.CharField(
        _("mức độ trực tuyến"), max_length=8, choices=OnlineLevel.choices, default=OnlineLevel.NONE
    )
    accepts_counter = models.BooleanField(_("nộp trực tiếp"), default=True)
    accepts_online = models.BooleanField(_("nộp trực tuyến"), default=False)
    accepts_postal = models.BooleanField(_("nộp qua bưu chính"), default=False)
    on_the_spot = models.BooleanField(_("giải quyết tại chỗ"), default=False)
    applicants = models.TextField(_("đối tượng thực hiện"), blank=True)
    steps_description = models.TextField(_("trình tự thực hiện"), blank=True)
    result = models.TextField(_("kết quả thực hiện"), blank=True)
    conditions = models.TextField(_("yêu cầu, điều kiện"), blank=True)
    legal_basis = models.TextField(_("căn cứ pháp lý"), blank=True, help_text=_("Mỗi văn bản một dòng."))
    is_active = models.BooleanField(_("đang áp dụng"), default=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")
        ordering = ["sort_name"]
        indexes = [
            models.Index(fields=["is_active", "level"]),
            models.Index(fields=["online_level"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(processing_days__gte=0), name="procedure_processing_days_not_negative"
            ),
            models.CheckConstraint(
                condition=~Q(online_level="none") | Q(accepts_online=False),
                name="procedure_online_channel_needs_online_level",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"

    def save(self, *args, **kwargs):
        # The folded search key is derived from the code and name and must never go stale.
        self.search_text = fold(f"{self.code} {self.name}")
        self.sort_name = sort_key(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"name", "code"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "search_text", "sort_name"}
        super().save(*args, **kwargs)

    @property
    def is_same_day(self) -> bool:
        return self.processing_days == 0

    @property
    def processing_hours(self) -> Decimal:
        """A limit set in working hours, as the legal text gives it (``processing_days`` × 8, to
        the tenth of an hour: 0,13 day is shown as 1 hour)."""
        return (self.processing_days * HOURS_PER_WORKING_DAY).quantize(Decimal("0.1")).normalize()

    @property
    def legal_basis_lines(self) -> list[str]:
        return [line.strip() for line in self.legal_basis.splitlines() if line.strip()]


class RequiredDocument(models.Model):
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="documents")
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=1)
    name = models.CharField(_("tên giấy tờ"), max_length=1000)
    case = models.CharField(_("trường hợp"), max_length=500, blank=True)
    originals = models.PositiveSmallIntegerField(_("số bản chính"), default=1)
    copies = models.PositiveSmallIntegerField(_("số bản sao"), default=0)
    mandatory = models.BooleanField(_("bắt buộc"), default=True)
    form_name = models.CharField(_("mẫu đơn, tờ khai"), max_length=255, blank=True)
    form_template = models.FileField(_("tệp mẫu đơn"), upload_to="forms/", blank=True)

    class Meta:
        verbose_name = _("thành phần hồ sơ")
        verbose_name_plural = _("thành phần hồ sơ")
        ordering = ["procedure", "order", "id"]

    def __str__(self) -> str:
        return self.name


class FeeKind(models.TextChoices):
    FEE = "fee", _("Phí")
    CHARGE = "charge", _("Lệ phí")


class Fee(models.Model):
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="fees")
    kind = models.CharField(_("loại"), max_length=8, choices=FeeKind.choices)
    name = models.CharField(_("tên khoản thu"), max_length=500)
    amount = models.PositiveBigIntegerField(_("số tiền (đồng)"))
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    # The agency that levies it (cơ quan hưởng phí, lệ phí); empty: the dossier's resolving agency.
    owner = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan hưởng phí, lệ phí"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Để trống: cơ quan giải quyết hồ sơ."),
    )

    class Meta:
        verbose_name = _("phí, lệ phí")
        verbose_name_plural = _("phí, lệ phí")
        ordering = ["procedure", "id"]

    def __str__(self) -> str:
        return self.name


class ProcessStep(models.Model):
    """One step of a procedure's routing template (quy trình nội bộ, liên thông).

    Steps of the same order run in parallel; the next order starts when all of them are done.
    """

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="process_steps")
    order = models.PositiveSmallIntegerField(_("thứ tự"))
    agency = models.ForeignKey(Agency, verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("nội dung công việc"), max_length=255)
    working_days = models.DecimalField(
        _("thời gian (ngày làm việc)"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0))],
    )

    class Meta:
        verbose_name = _("bước xử lý")
        verbose_name_plural = _("quy trình xử lý")
        ordering = ["procedure", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "order", "agency"], name="process_step_unique_agency"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"


class CalendarDayKind(models.TextChoices):
    DAY_OFF = "day_off", _("Ngày nghỉ")
    WORKING_DAY = "working_day", _("Ngày làm việc bù")


class CalendarDay(models.Model):
    """An exception to the ordinary calendar, edited by an administrator: an extra day off
    (a holiday moved by decision of the Prime Minister) or a make-up working day (a Saturday)."""

    date = models.DateField(_("ngày"), unique=True)
    kind = models.CharField(_("loại"), max_length=16, choices=CalendarDayKind.choices)
    name = models.CharField(_("lý do"), max_length=255)
    # A swap announced by the Prime Minister / Ministry of Home Affairs that ships with the program
    # is marked unconfirmed until an administrator checks it against this year's official notice.
    confirmed = models.BooleanField(
        _("đã xác nhận"),
        default=True,
        help_text=_(
            "Ngày nghỉ, ngày làm bù có sẵn theo thông báo của Chính phủ: "
            "quản trị viên đối chiếu rồi xác nhận."
        ),
    )
    source = models.CharField(_("căn cứ"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("ngày nghỉ, ngày làm bù")
        verbose_name_plural = _("ngày nghỉ, ngày làm bù")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.name}"


class CalendarVersion(models.Model):
    """One row (id 1) whose ``stamp`` changes with every insert, update or delete of
    ``CalendarDay``, set by database triggers in the same transaction (migration
    ``procedures.0008``): a process keeps its work calendar while the stamp it was built at is
    still the stamp read (``workdays.calendar_for``). A stamp is never given twice (a PostgreSQL
    sequence, which a rollback does not take back; a random 63-bit number on SQLite), so a
    calendar built inside a transaction that was rolled back is never taken for a later one."""

    id = models.PositiveSmallIntegerField(primary_key=True)
    stamp = models.BigIntegerField()

    class Meta:
        verbose_name = _("phiên bản lịch làm việc")
        verbose_name_plural = _("phiên bản lịch làm việc")

    def __str__(self) -> str:
        return str(self.stamp)
