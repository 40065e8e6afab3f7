import pytest

from accounts.models import Role
from surveys.models import Reason
from tests.factories import AgencyFactory, CounterFactory, ReturnedDossierFactory, StaffFactory, UserFactory


@pytest.fixture
def reason(db):
    return Reason.objects.create(text="Cán bộ hướng dẫn chưa rõ ràng")


@pytest.fixture
def province(db):
    return AgencyFactory(code="UBNDT", name="UBND tỉnh")


@pytest.fixture
def center(province):
    return AgencyFactory(code="TTPV", name="Trung tâm", has_one_stop_desk=True, parent=province)


@pytest.fixture
def department(province):
    return AgencyFactory(code="STP", name="Sở Tư pháp", parent=province)


@pytest.fixture
def clerk(center):
    return StaffFactory(role=Role.CLERK, agency=center)


@pytest.fixture
def citizen(db):
    return UserFactory(role=Role.CITIZEN)


@pytest.fixture
def returned(citizen, center, department, clerk):
    return ReturnedDossierFactory(
        applicant_user=citizen, intake_office=center, procedure__agency=department, received_by=clerk
    )


@pytest.fixture
def counter(center, clerk):
    from counters.services import counter_open

    return counter_open(actor=clerk, counter=CounterFactory(office=center, number=3))
