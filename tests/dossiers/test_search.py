"""The staff search box: a code (typed or scanned), an ID number, a phone number or a name without
diacritics, among the dossiers the person may see; the dossiers waiting for a supplement."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from freezegun import freeze_time

from dossiers import services
from dossiers.services import Intake
from dossiers.workflow import Status
from tests.factories import applicant

SEARCH = reverse("dossiers:search")


def receive(world, *, clerk=None, procedure=None, **person):
    procedure = procedure or world.single
    documents = {d.pk: (1, 0) for d in procedure.documents.all()}
    with freeze_time("2026-12-07 09:00:00+07:00"):
        return services.dossier_receive(
            actor=clerk or world.clerk,
            procedure=procedure,
            intake=Intake(applicant=applicant(**person), documents=documents),
        )


@pytest.fixture
def two(world):
    an = receive(world)
    binh = receive(
        world,
        name="Trần Thị Bình",
        id_number="079203004321",
        phone="0987654321",
        organisation_name="Công ty TNHH Đồng Xanh",
        kind="organisation",
        tax_code="0100109106",
    )
    return an, binh


def test_the_name_is_stored_folded_at_intake(world, two):
    an, binh = two
    assert an.applicant_search == "nguyen van an"
    assert binh.applicant_search == "tran thi binh cong ty tnhh dong xanh"


def test_a_scanned_code_opens_the_dossier_at_once(client, world, two):
    an, _binh = two
    client.force_login(world.clerk)
    # a Code 128 scanner types the code and presses Enter: the form is sent as it was typed
    response = client.get(SEARCH, {"q": an.code.lower()})
    assert response.status_code == 302
    assert response.url == reverse("dossiers:detail", args=[an.code])


@pytest.mark.parametrize(
    "query",
    [
        "tran thi binh",
        "Trần Thị Bình",
        "dong xanh",
        "079203004321",
        "0987 654 321",
        "+84987654321",
        "0100109106",
    ],
)
def test_a_name_without_diacritics_an_id_number_a_phone_or_a_tax_code_finds_the_applicant(
    client, world, two, query
):
    _an, binh = two
    client.force_login(world.clerk)
    response = client.get(SEARCH, {"q": query})
    assert response.status_code == 302 and response.url.endswith(f"/{binh.code}/")


def test_several_matches_are_listed_newest_first(client, world, two):
    an, binh = two
    client.force_login(world.reviewer_a)  # Justice resolves the procedure: sees both
    body = client.get(SEARCH, {"q": world.center.code}).content.decode()
    assert body.index(binh.code) < body.index(an.code)
    assert "2 hồ sơ" in body


def test_staff_find_only_what_they_may_see(client, world, two):
    an, _binh = two
    client.force_login(world.reviewer_other)  # a commune reviewer: no step of these dossiers
    response = client.get(SEARCH, {"q": an.code})
    assert response.status_code == 200
    assert reverse("dossiers:detail", args=[an.code]) not in response.content.decode()
    assert "Không tìm thấy hồ sơ nào" in response.content.decode()
    # and the dossier page answers as for a code that does not exist
    assert client.get(reverse("dossiers:detail", args=[an.code])).status_code == 404


def test_citizens_and_visitors_have_no_staff_search(client, world, two):
    assert client.get(SEARCH, {"q": "an"}).status_code == 302  # to the login page
    client.force_login(world.citizen)
    assert client.get(SEARCH, {"q": "an"}).status_code == 403


def test_nothing_typed_lists_nothing(client, world, two):
    client.force_login(world.clerk)
    body = client.get(SEARCH).content.decode()
    assert reverse("dossiers:detail", args=[two[0].code]) not in body and "Không tìm thấy" not in body


def test_the_desk_menu_lists_the_dossiers_waiting_for_a_supplement(client, world, case):
    dossier, step, _file = case
    with freeze_time("2026-12-08 09:00:00+07:00"):
        services.dossier_request_supplement(actor=world.reviewer_a, step=step, items=["Bản vẽ mặt bằng"])
    other = receive(world)
    client.force_login(world.clerk)
    desk = client.get(reverse("dossiers:desk_intake")).content.decode()
    assert f'href="{SEARCH}?cho=bo-sung"' in desk
    body = client.get(SEARCH, {"cho": "bo-sung"}).content.decode()
    assert dossier.code in body and other.code not in body
    dossier.refresh_from_db()
    assert dossier.status == Status.SUPPLEMENT_REQUESTED
    # another office's clerk does not get it in their list
    client.force_login(world.commune_clerk)
    assert dossier.code not in client.get(SEARCH, {"cho": "bo-sung"}).content.decode()


def test_the_staff_menu_leads_to_the_search(client, world):
    for person in (world.clerk, world.reviewer_a, world.manager, world.postal):
        client.force_login(person)
        assert f'href="{SEARCH}"' in client.get(reverse("accounts:home")).content.decode()


def test_the_list_reads_in_a_fixed_number_of_queries(client, world):
    for n in range(3):
        receive(world, name=f"Nguyễn Văn Số {n}")
    client.force_login(world.manager)
    client.get(SEARCH, {"q": "nguyen van"})  # warm the session and caches
    with CaptureQueriesContext(connection) as few:
        client.get(SEARCH, {"q": "nguyen van"})
    for n in range(3, 9):
        receive(world, name=f"Nguyễn Văn Số {n}")
    with CaptureQueriesContext(connection) as many:
        body = client.get(SEARCH, {"q": "nguyen van"}).content.decode()
    assert "Nguyễn Văn Số 8" in body
    assert len(many) == len(few)
