"""The blank desk intake form's HTML kept in the process (``dossiers.views.desk.intake_form``): the
same HTML as the form built for the request, never stale after an edit, never a person's data."""

import re

import pytest
from django.urls import reverse
from freezegun import freeze_time

from dossiers.views.desk import intake_form
from procedures.models import Agency
from procedures.services import agency_upsert
from tests.dossiers.test_desk_pages import documents, intake_data
from tests.dossiers.test_intake_rules import communes  # noqa: F401  (a fixture)
from tests.factories import VALID_ID_NUMBER

INTAKE = reverse("dossiers:desk_intake")
NOW = "2026-12-07 08:00:00+07:00"


@pytest.fixture(autouse=True)
def nothing_kept():
    intake_form.forget_all()
    yield
    intake_form.forget_all()


def page(client, code, **extra) -> str:
    response = client.get(INTAKE, {"procedure": code}, **extra)
    assert response.status_code == 200
    html = response.content.decode()
    # the tokens of each request aside
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "csrf", html)
    return re.sub(r'name="form_token" value="[^"]+"', "once", html)


def select(html: str, name: str) -> str:
    return re.search(rf'<select name="{name}".*?</select>', html, re.S).group(0)


@freeze_time(NOW)
def test_the_kept_form_is_the_form_built_for_the_request(client, world, communes):  # noqa: F811
    _second, procedure = communes
    client.force_login(world.clerk)
    for code in (world.procedure.code, procedure.code):
        built = page(client, code)
        assert page(client, code) == built  # from the kept HTML
        intake_form.forget_all()
        assert page(client, code) == built  # built again
    assert len(intake_form._kept) == 1  # the last one, built again


@freeze_time(NOW)
def test_a_document_edited_shows_at_the_next_request(client, world):
    client.force_login(world.clerk)
    code = world.procedure.code
    first = documents(world.procedure)[0]
    assert f"{first.name}\n" in page(client, code)
    first.name = "Đơn đề nghị (mẫu mới)"
    first.mandatory = False
    first.originals = 3
    first.save()
    html = page(client, code)
    assert "Đơn đề nghị (mẫu mới)\n\n</label>" in html  # no longer marked mandatory
    assert f'name="doc_{first.id}_originals" value="3"' in html
    first.delete()
    assert f'name="doc_{first.id}"' not in page(client, code)


@freeze_time(NOW)
def test_an_agency_renamed_or_closed_shows_at_the_next_request(client, world, communes):  # noqa: F811
    second, procedure = communes
    client.force_login(world.clerk)
    assert "UBND xã Hai" in select(page(client, procedure.code), "resolving_agency")
    agency_upsert(
        code="XA2", name="UBND phường Hai", level="commune", kind="peoples_committee", parent_code="UBNDT"
    )
    options = select(page(client, procedure.code), "resolving_agency")
    assert "UBND phường Hai" in options and "UBND xã Hai" not in options
    Agency.objects.filter(pk=second.pk).update(is_active=False)
    html = page(client, procedure.code)
    assert 'name="resolving_agency"' not in html and "UBND phường Hai" not in html  # one agency left


@freeze_time(NOW)
def test_the_desk_the_channel_and_the_language_each_have_their_form(client, world, communes):  # noqa: F811
    _second, procedure = communes
    client.force_login(world.clerk)
    centre = select(page(client, procedure.code), "resolving_agency")
    assert '<option value="" selected>' in centre  # the centre chooses
    client.force_login(world.commune_clerk)
    own = select(page(client, procedure.code), "resolving_agency")
    assert f'<option value="{world.commune.pk}" selected>' in own and 'value=""' not in own

    client.force_login(world.postal)
    assert re.search(r'name="return_method" value="post"[^>]*checked', page(client, world.procedure.code))
    client.force_login(world.clerk)
    assert re.search(r'name="return_method" value="counter"[^>]*checked', page(client, world.procedure.code))
    client.cookies["django_language"] = "en"
    english = page(client, world.procedure.code)
    assert "— Choose a nationality —" in english and "— Chọn quốc tịch —" not in english


@freeze_time(NOW)
def test_a_form_with_an_applicants_data_is_never_kept(client, world):
    from dossiers import services
    from dossiers.services import Intake
    from tests.factories import applicant

    services.dossier_receive(
        actor=world.clerk,
        procedure=world.single,
        intake=Intake(applicant=applicant(), documents={d.id: (1, 0) for d in world.single.documents.all()}),
    )
    client.force_login(world.clerk)
    target = f"{INTAKE}?procedure={world.single.code}"
    found = client.post(target, {"action": "lookup", "find": VALID_ID_NUMBER}).content.decode()
    assert 'value="Nguyễn Văn An"' in found
    refused = client.post(
        f"{INTAKE}?procedure={world.procedure.code}", intake_data(world.procedure, id_number="12345")
    )
    assert "Có lỗi cần sửa" in refused.content.decode()
    assert not intake_form._kept
    blank = page(client, world.single.code)
    assert "Nguyễn Văn An" not in blank and "Có lỗi cần sửa" not in blank
    assert all("Nguyễn Văn An" not in html for html in intake_form._kept.values())
