"""Test data. Catalog rows go through the catalog services where they have rules."""

from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from accounts.models import Role, User
from procedures.models import Agency, AgencyKind, Field, Level, OnlineLevel, Procedure


class AgencyFactory(DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"AG{n:03d}")
    name = factory.Sequence(lambda n: f"Sở thử nghiệm {n}")
    level = Level.PROVINCE
    kind = AgencyKind.DEPARTMENT
    has_one_stop_desk = False


class FieldFactory(DjangoModelFactory):
    class Meta:
        model = Field
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"F{n:03d}")
    name = factory.Sequence(lambda n: f"Lĩnh vực {n}")


class ProcedureFactory(DjangoModelFactory):
    class Meta:
        model = Procedure
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"9.{n:06d}")
    name = factory.Sequence(lambda n: f"Thủ tục thử nghiệm {n}")
    field = factory.SubFactory(FieldFactory)
    agency = factory.SubFactory(AgencyFactory)
    level = Level.PROVINCE
    processing_days = Decimal(5)
    online_level = OnlineLevel.PARTIAL
    accepts_online = True


PASSWORD = "mat-khau-thu-nghiem"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Faker("name", locale="vi_VN")
    role = Role.CITIZEN
    password = factory.django.Password(PASSWORD)


class StaffFactory(UserFactory):
    role = Role.CLERK
    agency = factory.SubFactory(AgencyFactory, has_one_stop_desk=True)


# --- dossiers ------------------------------------------------------------------------------------

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64 + b"\xff\xd9"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
VALID_ID_NUMBER = "001203004567"


def applicant(**overrides):
    from dossiers.services import Applicant

    values = {
        "name": "Nguyễn Văn An",
        "id_number": VALID_ID_NUMBER,
        "address": "Số 1 đường Trần Phú, phường Hà Đông",
        "phone": "0912345678",
        "email": "an@example.vn",
    }
    values.update(overrides)
    return Applicant(**values)


# --- counters ------------------------------------------------------------------------------------


class QueueServiceFactory(DjangoModelFactory):
    class Meta:
        model = "counters.Service"
        django_get_or_create = ["office", "letter"]

    office = factory.SubFactory(AgencyFactory, has_one_stop_desk=True)
    letter = factory.Sequence(lambda n: "ABCDEFGHKLMNPQRSTUVXY"[n % 21])
    name = factory.Sequence(lambda n: f"Dịch vụ {n}")


class CounterFactory(DjangoModelFactory):
    """A counter; ``services=[...]`` says which queues it serves (default: none)."""

    class Meta:
        model = "counters.Counter"
        django_get_or_create = ["office", "number"]
        skip_postgeneration_save = True

    office = factory.SubFactory(AgencyFactory, has_one_stop_desk=True)
    number = factory.Sequence(lambda n: n + 1)

    @factory.post_generation
    def services(self, create, extracted, **kwargs):
        if create and extracted:
            self.services.set(extracted)


class DossierFactory(DjangoModelFactory):
    """A dossier row written as it stands (history, statistics tests): no services, no events.
    After making some, call ``dashboards.rollup.rebuild()`` as an import would."""

    class Meta:
        model = "dossiers.Dossier"

    code = factory.Sequence(lambda n: f"TEST-{n:07d}")
    secret = "ABCDEFGH"
    tracking_token = factory.Sequence(lambda n: f"token-{n:010d}")
    procedure = factory.SubFactory(ProcedureFactory)
    resolving_agency = factory.LazyAttribute(lambda o: o.procedure.agency)
    intake_office = factory.LazyAttribute(lambda o: o.procedure.agency)
    channel = "counter"
    status = "processing"
    applicant_name = factory.Faker("name", locale="vi_VN")
    id_number = "001203004567"
    address = "Số 1 đường Thử nghiệm"


class ReturnedDossierFactory(DjangoModelFactory):
    """A dossier row as it stands at the end of its life (returned by default), for the surveys
    and figures tests that need many dossiers in given states without walking each through the
    workflow. Tests of the workflow itself use the dossier services."""

    class Meta:
        model = "dossiers.Dossier"

    code = factory.Sequence(lambda n: f"TT-261120-{n:04d}")
    secret = "ABCD1234"
    tracking_token = factory.Sequence(lambda n: f"token-{n:06d}-abcdefghijklmnopqrstuvwxyz")
    procedure = factory.SubFactory(ProcedureFactory)
    resolving_agency = factory.SelfAttribute("procedure.agency")
    intake_office = factory.SubFactory(AgencyFactory, has_one_stop_desk=True)
    channel = "counter"
    status = "returned"
    applicant_name = "Nguyễn Văn An"
    id_number = VALID_ID_NUMBER
    address = "Số 1 đường Trần Phú"
