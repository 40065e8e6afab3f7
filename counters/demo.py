"""Demo queue of the province's center for ``manage.py seed_demo``: services by field, five
counters and a 1-after-3 priority policy. Running it again changes nothing."""

from django.db import transaction
from django.utils.translation import gettext as _

from counters.models import Counter, PolicyMode, QueuePolicy, Service
from procedures.models import Agency, Field

DEMO_OFFICE = "TTPVHCC"

# letter, name, field codes (lĩnh vực) of the demo catalog
DEMO_SERVICES = (
    ("A", "Tư pháp – Hộ tịch – Chứng thực", ("HT", "CT", "LLTP", "LS", "DGTS", "CC")),
    ("B", "Đất đai – Xây dựng", ("DD", "HDXD", "KTR", "KDBDS")),
    ("C", "Doanh nghiệp – Thuế – Bảo hiểm xã hội", ("HKD", "DKDN", "THUE", "BHXH", "LDNN")),
    ("D", "Nhận kết quả", ()),
)
# number, name, letters served
DEMO_COUNTERS = (
    (1, "Quầy 1 – Tư pháp", "A"),
    (2, "Quầy 2 – Hộ tịch", "A"),
    (3, "Quầy 3 – Đất đai", "B"),
    (4, "Quầy 4 – Doanh nghiệp", "C"),
    (5, "Quầy 5 – Tổng hợp, trả kết quả", "ABCD"),
)


def seed_demo_queue() -> tuple[int, int]:
    """Create the center's services and counters that do not exist yet (matched by letter and
    number); return how many of each were made."""
    office = Agency.objects.filter(code=DEMO_OFFICE).first()
    if office is None:
        return 0, 0
    made_services = made_counters = 0
    with transaction.atomic():
        by_letter = {}
        for position, (letter, name, field_codes) in enumerate(DEMO_SERVICES, start=1):
            service, created = Service.objects.get_or_create(
                office=office, letter=letter, defaults={"name": name, "position": position}
            )
            if created:
                service.fields.set(Field.objects.filter(code__in=field_codes))
                made_services += 1
            by_letter[letter] = service
        for number, name, letters in DEMO_COUNTERS:
            counter, created = Counter.objects.get_or_create(
                office=office, number=number, defaults={"name": name}
            )
            if created:
                counter.services.set([by_letter[letter] for letter in letters])
                made_counters += 1
        QueuePolicy.objects.get_or_create(
            office=office, defaults={"mode": PolicyMode.INTERLEAVE, "ordinary_per_priority": 3}
        )
    return made_services, made_counters


def load_demo(command, *, dossiers: int, verbosity: int) -> None:
    """``seed_demo``'s loader (settings.HCC_DEMO_LOADERS): the center's queue."""
    made_services, made_counters = seed_demo_queue()
    command.stdout.write(
        _("Xếp hàng: tạo mới %(services)s dịch vụ, %(counters)s quầy.")
        % {"services": made_services, "counters": made_counters}
    )
