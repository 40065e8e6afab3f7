"""Queue tickets at an office's counters: the services a citizen picks at the kiosk, the counters
clerks open, the tickets with their gapless per-service numbers, the office's calling policy and
the append-only log of what happened to each ticket."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Service(models.Model):
    """A queue at an office (e.g. ``B`` – Tư pháp, hộ tịch): a letter for ticket codes and the
    fields (lĩnh vực) whose procedures its counters receive."""

    office = models.ForeignKey(
        "procedures.Agency",
        verbose_name=_("nơi tiếp nhận"),
        on_delete=models.PROTECT,
        related_name="queue_services",
    )
    letter = models.CharField(
        _("chữ cái"),
        max_length=2,
        validators=[RegexValidator(r"^[A-Z]{1,2}$", _("Một hoặc hai chữ cái in hoa không dấu, ví dụ B."))],
        help_text=_("Đứng đầu số thứ tự, ví dụ B trong B012."),
    )
    name = models.CharField(_("tên dịch vụ"), max_length=200)
    fields = models.ManyToManyField(
        "procedures.Field", verbose_name=_("lĩnh vực"), blank=True, related_name="queue_services"
    )
    position = models.PositiveSmallIntegerField(_("thứ tự hiển thị"), default=0)
    is_active = models.BooleanField(_("đang phục vụ"), default=True)

    class Meta:
        verbose_name = _("dịch vụ xếp hàng")
        verbose_name_plural = _("dịch vụ xếp hàng")
        ordering = ["office", "position", "letter"]
        constraints = [
            models.UniqueConstraint(fields=["office", "letter"], name="queue_service_office_letter")
        ]

    def __str__(self) -> str:
        return f"{self.letter} – {self.name}"


class Counter(models.Model):
    """Quầy: a desk of an office, serving some services. ``clerk`` is who sits there now: set when
    a clerk opens the counter, cleared when it is closed."""

    office = models.ForeignKey(
        "procedures.Agency",
        verbose_name=_("nơi tiếp nhận"),
        on_delete=models.PROTECT,
        related_name="counters",
    )
    number = models.PositiveSmallIntegerField(_("số quầy"), validators=[MinValueValidator(1)])
    name = models.CharField(_("tên quầy"), max_length=200, blank=True)
    services = models.ManyToManyField(Service, verbose_name=_("dịch vụ phục vụ"), related_name="counters")
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cán bộ đang ngồi quầy"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="open_counters",
    )
    opened_at = models.DateTimeField(_("mở quầy lúc"), null=True, blank=True)
    is_active = models.BooleanField(_("đang sử dụng"), default=True)

    class Meta:
        verbose_name = _("quầy")
        verbose_name_plural = _("quầy")
        ordering = ["office", "number"]
        constraints = [
            models.UniqueConstraint(fields=["office", "number"], name="counter_office_number"),
            # a clerk sits at one counter at a time
            models.UniqueConstraint(
                fields=["clerk"], condition=Q(clerk__isnull=False), name="counter_one_per_clerk"
            ),
            models.CheckConstraint(
                condition=Q(clerk__isnull=True, opened_at__isnull=True)
                | Q(clerk__isnull=False, opened_at__isnull=False),
                name="counter_open_has_clerk_and_time",
            ),
        ]

    def __str__(self) -> str:
        return self.name or _("Quầy %(number)s") % {"number": self.number}

    @property
    def is_open(self) -> bool:
        return self.clerk_id is not None


class PolicyMode(models.TextChoices):
    STRICT = "strict", _("Ưu tiên tuyệt đối")
    INTERLEAVE = "interleave", _("Một số ưu tiên sau mỗi N số thường")


class QueuePolicy(models.Model):
    """How an office calls priority tickets. The row is also what ``call next`` locks, so calls at
    one office are taken one after the other and never hand out the same ticket."""

    office = models.OneToOneField(
        "procedures.Agency",
        verbose_name=_("nơi tiếp nhận"),
        on_delete=models.PROTECT,
        related_name="queue_policy",
    )
    mode = models.CharField(
        _("cách gọi số ưu tiên"), max_length=16, choices=PolicyMode.choices, default=PolicyMode.STRICT
    )
    ordinary_per_priority = models.PositiveSmallIntegerField(
        _("số thường giữa hai số ưu tiên (N)"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text=_("Chỉ dùng khi gọi một số ưu tiên sau mỗi N số thường."),
    )
    # Ordinary tickets called since the last priority one (interleave mode).
    ordinary_streak = models.PositiveSmallIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("quy tắc gọi số")
        verbose_name_plural = _("quy tắc gọi số")
        constraints = [
            models.CheckConstraint(condition=Q(ordinary_per_priority__gte=1), name="queue_policy_n_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.office_id}: {self.get_mode_display()}"


class TicketSequence(models.Model):
    """The last number given by a service on a day: ticket numbers are gapless per office, day and
    service (a service belongs to one office), bumped under a row lock when a ticket is taken."""

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["service", "day"], name="ticket_sequence_service_day")]

    def __str__(self) -> str:
        return f"{self.service_id} {self.day} {self.last}"


class Priority(models.TextChoices):
    NONE = "none", _("Thường")
    ELDERLY = "elderly", _("Người cao tuổi")
    DISABLED = "disabled", _("Người khuyết tật")
    PREGNANT = "pregnant", _("Phụ nữ mang thai")
    MERIT = "merit", _("Người có công với cách mạng")


class TicketStatus(models.TextChoices):
    WAITING = "waiting", _("Đang chờ")
    CALLED = "called", _("Đang gọi")
    SERVING = "serving", _("Đang phục vụ")
    DONE = "done", _("Đã xong")
    NO_SHOW = "no_show", _("Vắng mặt")
    # Sent by a clerk to another counter or service; waits there ahead of new tickets.
    TRANSFERRED = "transferred", _("Đã chuyển")


# Tickets still in a queue (taken by call next).
QUEUED = (TicketStatus.WAITING, TicketStatus.TRANSFERRED)
# Tickets a counter is working on.
AT_COUNTER = (TicketStatus.CALLED, TicketStatus.SERVING)


class Ticket(models.Model):
    office = models.ForeignKey(
        "procedures.Agency",
        verbose_name=_("nơi tiếp nhận"),
        on_delete=models.PROTECT,
        related_name="queue_tickets",
    )
    # The queue it waits in now: the service it was taken for, unless transferred since.
    service = models.ForeignKey(
        Service, verbose_name=_("dịch vụ"), on_delete=models.PROTECT, related_name="tickets"
    )
    day = models.DateField(_("ngày"))
    number = models.PositiveIntegerField(_("số"))
    code = models.CharField(_("số thứ tự"), max_length=8)
    priority = models.CharField(_("ưu tiên"), max_length=12, choices=Priority.choices, default=Priority.NONE)
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=TicketStatus.choices, default=TicketStatus.WAITING
    )
    # The counter calling or serving it; for a ticket transferred to a counter, the counter it waits for.
    counter = models.ForeignKey(
        Counter,
        verbose_name=_("quầy"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
    )
    served_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cán bộ phục vụ"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    taken_at = models.DateTimeField(_("lấy số lúc"))
    # First call (waiting time ends here); the latest call or recall orders the board.
    called_at = models.DateTimeField(_("gọi lúc"), null=True, blank=True)
    last_called_at = models.DateTimeField(_("gọi lại lúc"), null=True, blank=True)
    call_count = models.PositiveSmallIntegerField(_("số lần gọi"), default=0)
    started_at = models.DateTimeField(_("bắt đầu phục vụ lúc"), null=True, blank=True)
    finished_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)
    # Set when the counter intake received a dossier for this ticket.
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        db_constraint=False,
        verbose_name=_("hồ sơ"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="queue_tickets",
    )
    # Carried by the QR printed on the ticket: the phone page shows how many are ahead.
    token = models.CharField(max_length=64, unique=True, editable=False)

    class Meta:
        verbose_name = _("số thứ tự")
        verbose_name_plural = _("số thứ tự")
        ordering = ["-day", "taken_at", "id"]
        constraints = [
            # The code stays when a ticket is transferred to another service's queue.
            models.UniqueConstraint(fields=["office", "day", "code"], name="ticket_office_day_code"),
        ]
        indexes = [
            models.Index(fields=["office", "day", "status"]),
            models.Index(fields=["office", "day", "last_called_at"]),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_priority(self) -> bool:
        return self.priority != Priority.NONE


class TicketAction(models.TextChoices):
    TAKE = "take", _("Lấy số")
    CALL = "call", _("Gọi số")
    RECALL = "recall", _("Gọi lại")
    NO_SHOW = "no_show", _("Vắng mặt")
    TRANSFER = "transfer", _("Chuyển")
    START = "start", _("Bắt đầu phục vụ")
    DONE = "done", _("Xong")
    ATTACH_DOSSIER = "attach_dossier", _("Gắn hồ sơ")


class TicketEvent(models.Model):
    """What happened to a ticket, who did it, at which counter; written in the same transaction
    as the change and never edited."""

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(max_length=16, choices=TicketAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    counter = models.ForeignKey(Counter, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    at = models.DateTimeField()
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("diễn biến số thứ tự")
        verbose_name_plural = _("diễn biến số thứ tự")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.action}"
