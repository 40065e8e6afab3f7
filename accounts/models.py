from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CITIZEN = "citizen", _("Công dân, tổ chức")
    CLERK = "clerk", _("Cán bộ một cửa")
    POSTAL = "postal", _("Nhân viên bưu chính")
    REVIEWER = "reviewer", _("Chuyên viên xử lý")
    MANAGER = "manager", _("Lãnh đạo")
    ADMIN = "admin", _("Quản trị hệ thống")


STAFF_ROLES = frozenset({Role.CLERK, Role.POSTAL, Role.REVIEWER, Role.MANAGER, Role.ADMIN})
# Roles that act for an agency and must name one.
AGENCY_ROLES = frozenset({Role.CLERK, Role.POSTAL, Role.REVIEWER, Role.MANAGER})


class User(AbstractUser):
    """A person who logs in. Citizens register themselves with a phone number or an e-mail
    address; staff accounts are made by an administrator and belong to an agency."""

    role = models.CharField(_("vai trò"), max_length=16, choices=Role.choices, default=Role.CITIZEN)
    agency = models.ForeignKey(
        "procedures.Agency",
        verbose_name=_("cơ quan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
    )
    phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)

    objects = UserManager()

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")
        constraints = [
            models.UniqueConstraint(fields=["phone"], condition=~Q(phone=""), name="user_phone_unique"),
            models.UniqueConstraint(fields=["email"], condition=~Q(email=""), name="user_email_unique"),
            models.CheckConstraint(
                condition=Q(role__in=["citizen", "admin"]) | Q(agency__isnull=False),
                name="user_staff_has_agency",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.get_full_name() or self.username

    @property
    def is_staff_member(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username


class ContactChange(models.Model):
    """Audit of a change of an account's phone or e-mail: who changed it, when, from what to what.
    Append-only; the old contact is told (``accounts.services.account_update_contact``)."""

    class Field(models.TextChoices):
        PHONE = "phone", _("số điện thoại")
        EMAIL = "email", _("email")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="contact_changes")
    field = models.CharField(_("thông tin"), max_length=8, choices=Field.choices)
    old_value = models.CharField(_("giá trị cũ"), max_length=254, blank=True)
    new_value = models.CharField(_("giá trị mới"), max_length=254, blank=True)
    changed_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("người đổi")
    )
    changed_at = models.DateTimeField(_("lúc"))

    class Meta:
        verbose_name = _("thay đổi thông tin liên hệ")
        verbose_name_plural = _("thay đổi thông tin liên hệ")
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user} {self.field}: {self.old_value} → {self.new_value}"


class Consent(models.Model):
    """A person's consent to the processing of their personal data as the processing notice says
    (``privacy:notice``, its version ``settings.PRIVACY_NOTICE_VERSION``): given when registering
    and with each online submission (its dossier code). Append-only: a later version is a new row
    (Law 91/2025/QH15 on personal data protection: consent is shown, recorded and provable; the
    article not confirmed here)."""

    class Purpose(models.TextChoices):
        REGISTRATION = "registration", _("đăng ký tài khoản")
        SUBMISSION = "submission", _("nộp hồ sơ trực tuyến")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("mục đích"), max_length=16, choices=Purpose.choices)
    notice_version = models.CharField(_("phiên bản thông báo"), max_length=32)
    given_at = models.DateTimeField(_("lúc đồng ý"))
    dossier_code = models.CharField(_("mã hồ sơ"), max_length=40, blank=True, db_index=True)

    class Meta:
        verbose_name = _("sự đồng ý xử lý dữ liệu cá nhân")
        verbose_name_plural = _("sự đồng ý xử lý dữ liệu cá nhân")
        ordering = ["-given_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user} {self.purpose} {self.notice_version} {self.dossier_code}".strip()


class Identity(models.Model):
    """An account's verified national identity (VNeID, by OpenID Connect): the identity number
    the provider asserts — a person's (số định danh cá nhân) or an organisation's (số định danh
    của tổ chức) —, its subject and the identity level (mức độ định danh 1 or 2). One identity
    number belongs to one account."""

    class Kind(models.TextChoices):
        PERSON = "person", _("Cá nhân")
        ORGANISATION = "organisation", _("Tổ chức")

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="identity")
    provider = models.CharField(_("nhà cung cấp định danh"), max_length=16, default="vneid")
    subject = models.CharField(_("mã định danh tại nhà cung cấp"), max_length=255)
    kind = models.CharField(_("loại định danh"), max_length=12, choices=Kind.choices, default=Kind.PERSON)
    id_number = models.CharField(_("số định danh"), max_length=20)
    level = models.PositiveSmallIntegerField(_("mức độ định danh"), default=0)
    linked_at = models.DateTimeField(_("liên kết lúc"), default=timezone.now)
    last_login_at = models.DateTimeField(_("đăng nhập gần nhất"), null=True, blank=True)

    class Meta:
        verbose_name = _("định danh điện tử")
        verbose_name_plural = _("định danh điện tử")
        constraints = [
            models.UniqueConstraint(fields=["provider", "subject"], name="identity_subject_unique"),
            models.UniqueConstraint(fields=["kind", "id_number"], name="identity_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.provider}:{self.id_number[:3]}******{self.id_number[-3:]} (mức {self.level})"


class SigningAuthority(models.Model):
    """Who may sign the result of an on-the-spot procedure at a one-stop desk ("4 tại chỗ": received,
    appraised, approved and returned at the desk in one visit). The person is a leader of the
    resolving agency, or a civil servant it authorised in writing, seated at that desk (Decree
    61/2018 art. 6 and 15 as amended by Decree 107/2021; Decree 118/2025 keeps on-the-spot
    resolution). An administrator records the authorisation with its decision number."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="signing_authorities", verbose_name=_("người ký")
    )
    procedure = models.ForeignKey(
        "procedures.Procedure", on_delete=models.CASCADE, related_name="+", verbose_name=_("thủ tục")
    )
    office = models.ForeignKey(
        "procedures.Agency", on_delete=models.CASCADE, related_name="+", verbose_name=_("bộ phận một cửa")
    )
    decision = models.CharField(
        _("văn bản ủy quyền"),
        max_length=255,
        blank=True,
        help_text=_(
            "Số, ngày văn bản phân công hoặc ủy quyền ký, ví dụ: Quyết định 12/QĐ-STP ngày 02/01/2026."
        ),
    )
    is_active = models.BooleanField(_("đang hiệu lực"), default=True)

    class Meta:
        verbose_name = _("ủy quyền ký kết quả tại chỗ")
        verbose_name_plural = _("ủy quyền ký kết quả tại chỗ")
        constraints = [
            models.UniqueConstraint(fields=["user", "procedure", "office"], name="signing_authority_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.procedure_id} @ {self.office_id}"


class ContactCode(models.Model):
    """A one-time code sent to a phone or e-mail to prove it belongs to whoever typed it, before a
    registration or a contact change uses it (issue 22: neither says whether the contact is
    someone else's). One row per contact; the rows of one request share a ``batch``. When the
    contact already belongs to another account, that contact is told instead and ``delivered`` is
    False: no code can match."""

    class Purpose(models.TextChoices):
        REGISTER = "register", _("đăng ký")
        CONTACT = "contact", _("đổi thông tin liên hệ")

    batch = models.CharField(max_length=43, db_index=True)
    purpose = models.CharField(_("mục đích"), max_length=8, choices=Purpose.choices)
    user = models.ForeignKey(User, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    field = models.CharField(_("thông tin"), max_length=8, choices=ContactChange.Field.choices)
    address = models.CharField(_("địa chỉ"), max_length=254, db_index=True)
    code_hash = models.CharField(max_length=64)
    delivered = models.BooleanField(default=True)
    # What the request asks for once proven: the name and password hash of a registration, the
    # phone and e-mail of a contact change.
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(_("lúc gửi"))
    expires_at = models.DateTimeField(_("hết hạn"))
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("mã xác nhận")
        verbose_name_plural = _("mã xác nhận")

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} {self.field} {self.created_at:%Y-%m-%d %H:%M}"
