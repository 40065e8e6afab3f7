"""Identity numbers (CCCD) are masked on pages that do not need them whole, and never travel in an
address (GET forms, links): addresses end up in logs, browser history and Referer headers."""

import re

from django.urls import reverse

from tests.factories import VALID_ID_NUMBER
from tests.security.test_templates_csp import TEMPLATES, all_templates

MASKED = "********" + VALID_ID_NUMBER[-4:]


def test_staff_and_public_pages_show_the_number_masked(client, world, case):
    dossier = case[0]
    pages = [
        (world.reviewer_a, reverse("dossiers:inbox")),
        (world.reviewer_a, reverse("dossiers:detail", kwargs={"code": dossier.code})),
        (world.manager, reverse("dossiers:detail", kwargs={"code": dossier.code})),
        (world.clerk, reverse("dossiers:detail", kwargs={"code": dossier.code})),
        (None, reverse("dossiers:track_token", kwargs={"token": dossier.tracking_token})),
        (world.reviewer_a, f"/api/v1/dossiers/{dossier.code}/"),
    ]
    for who, address in pages:
        if who:
            client.force_login(who)
        else:
            client.logout()
        body = client.get(address).content.decode()
        assert VALID_ID_NUMBER not in body, address
    client.force_login(world.reviewer_a)
    assert MASKED in client.get(reverse("dossiers:detail", kwargs={"code": dossier.code})).content.decode()
    # the applicant sees their own number whole
    client.force_login(world.citizen)
    assert (
        VALID_ID_NUMBER
        in client.get(reverse("dossiers:detail", kwargs={"code": dossier.code})).content.decode()
    )


_GET_FORM = re.compile(r"<form\b(?=[^>]*method=\"get\")[^>]*>.*?</form>", re.S | re.I)
_FIELD_NAME = re.compile(r"name=\"([^\"]+)\"")
ID_FIELDS = {"id_number", "cccd", "find", "so_dinh_danh"}


def test_no_get_form_asks_for_an_identity_number():
    for path in all_templates():
        for form in _GET_FORM.findall(path.read_text(encoding="utf-8")):
            names = set(_FIELD_NAME.findall(form))
            assert not names & ID_FIELDS, (
                f"{path.relative_to(TEMPLATES)}: a GET form sends {names & ID_FIELDS}"
            )


def test_the_desk_lookup_by_identity_number_is_a_post(client, world, case):
    del case  # an earlier dossier of this applicant at the center
    client.force_login(world.clerk)
    address = reverse("dossiers:desk_intake") + "?procedure=" + world.single.code
    found = client.post(address, {"action": "lookup", "find": VALID_ID_NUMBER})
    assert found.context["form"]["name"].value() == "Nguyễn Văn An"
    # asked in the address, nothing is looked up
    response = client.get(address + "&action=lookup&find=" + VALID_ID_NUMBER)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nguyễn Văn An" not in page  # the blank form (kept per process: no context to read)
    assert "Đã điền sẵn" not in page
