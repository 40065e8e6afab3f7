import pytest
from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory

from accounts.models import Role, User
from accounts.permissions import ACTIONS, actions_for, agency_scope, can, require
from accounts.phones import display_phone, normalize_phone
from accounts.services import citizen_register, staff_create
from procedures.services import agency_upsert
from tests.factories import AgencyFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "Mat-khau-2026"


@pytest.mark.parametrize("raw", ["0912345678", "0912 345 678", "+84912345678", "84912345678", "0912.345.678"])
def test_phone_forms_normalize_to_e164(raw):
    assert normalize_phone(raw) == "+84912345678"


@pytest.mark.parametrize("raw", ["", "12345", "09123456789999", "abc"])
def test_bad_phones_are_refused(raw):
    with pytest.raises(ValidationError):
        normalize_phone(raw)


def test_display_phone():
    assert display_phone("+84912345678") == "0912 345 678"


def test_citizen_registers_with_phone_and_logs_in_with_any_form_of_it():
    user = citizen_register(full_name="Nguyễn Văn An", phone="0912 345 678", password=PASSWORD)
    assert user.role == Role.CITIZEN
    assert user.phone == "+84912345678"
    request = RequestFactory().post("/")
    for identifier in ("0912345678", "+84 912 345 678", "84912345678"):
        assert authenticate(request, username=identifier, password=PASSWORD) == user
    assert authenticate(request, username="0912345678", password="wrong-password") is None


def test_citizen_registers_with_email_case_insensitively():
    user = citizen_register(full_name="Trần Thị Bình", email="Binh@Example.VN", password=PASSWORD)
    assert user.email == "binh@example.vn"
    assert authenticate(RequestFactory().post("/"), username="BINH@example.vn", password=PASSWORD) == user


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"full_name": "", "phone": "0912345678"}, "full_name"),
        ({"full_name": "A B"}, "phone"),
        ({"full_name": "A B", "phone": "123"}, "phone"),
        ({"full_name": "A B", "email": "not-an-email"}, "email"),
    ],
)
def test_bad_registrations_change_nothing(kwargs, field):
    with pytest.raises(ValidationError) as info:
        citizen_register(password=PASSWORD, **kwargs)
    assert field in info.value.message_dict
    assert User.objects.count() == 0


def test_weak_password_is_refused():
    with pytest.raises(ValidationError) as info:
        citizen_register(full_name="Lê Văn C", phone="0987654321", password="12345678")
    assert "password1" in info.value.message_dict
    assert User.objects.count() == 0


def test_phone_and_email_are_unique():
    citizen_register(full_name="A", phone="0912345678", email="a@example.vn", password=PASSWORD)
    with pytest.raises(ValidationError) as info:
        citizen_register(full_name="B", phone="+84912345678", password=PASSWORD)
    assert "phone" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        citizen_register(full_name="B", email="A@example.vn", password=PASSWORD)
    assert "email" in info.value.message_dict
    assert User.objects.count() == 1


def test_staff_needs_an_agency_and_a_staff_role():
    agency = AgencyFactory()
    with pytest.raises(ValidationError):
        staff_create(username="cb1", password=PASSWORD, role=Role.CLERK, full_name="Cán bộ")
    with pytest.raises(ValidationError):
        staff_create(username="cb1", password=PASSWORD, role=Role.CITIZEN, full_name="Cán bộ", agency=agency)
    clerk = staff_create(
        username="cb1", password=PASSWORD, role=Role.CLERK, full_name="Cán bộ", agency=agency
    )
    assert authenticate(RequestFactory().post("/"), username="cb1", password=PASSWORD) == clerk
    admin = staff_create(username="qt", password=PASSWORD, role=Role.ADMIN, full_name="Quản trị")
    assert admin.is_superuser and admin.is_staff


def test_every_action_names_known_roles():
    roles = set(Role.values)
    for action, allowed in ACTIONS.items():
        assert allowed, action
        assert set(allowed) <= roles, action


def test_can_follows_the_roles():
    citizen = UserFactory(role=Role.CITIZEN)
    clerk = StaffFactory(role=Role.CLERK)
    reviewer = StaffFactory(role=Role.REVIEWER)
    assert can(citizen, "dossier.submit_online")
    assert not can(citizen, "dossier.receive")
    assert can(clerk, "dossier.receive")
    assert not can(clerk, "step.process")
    assert can(reviewer, "step.process")
    assert "step.process" in actions_for(reviewer)
    with pytest.raises(PermissionDenied):
        require(citizen, "stats.view")
    with pytest.raises(KeyError):
        can(citizen, "no.such.action")


def test_inactive_and_anonymous_users_may_do_nothing():
    from django.contrib.auth.models import AnonymousUser

    clerk = StaffFactory(role=Role.CLERK, is_active=False)
    assert not can(clerk, "dossier.receive")
    assert not can(AnonymousUser(), "dossier.submit_online")


def test_agency_scope_of_a_manager_covers_the_units_below():
    province, _ = agency_upsert(code="UBNDT", name="UBND tỉnh", level="province", kind="peoples_committee")
    dept, _ = agency_upsert(
        code="STP", name="Sở Tư pháp", level="province", kind="department", parent_code="UBNDT"
    )
    outside = AgencyFactory()
    manager = StaffFactory(role=Role.MANAGER, agency=province)
    reviewer = StaffFactory(role=Role.REVIEWER, agency=dept)
    admin = UserFactory(role=Role.ADMIN)
    assert set(agency_scope(manager)) == {province.id, dept.id}
    assert outside.id not in agency_scope(manager)
    assert agency_scope(reviewer) == [dept.id]
    assert agency_scope(admin) is None
    assert agency_scope(UserFactory(role=Role.CITIZEN)) == []
