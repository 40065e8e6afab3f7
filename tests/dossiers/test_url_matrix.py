"""Who sees what, over every page and API address that names a dossier, a step or a file:
everyone but the people of the dossier gets 404, for GET and POST alike."""

from django.urls import URLPattern, reverse

from dossiers import urls as dossier_urls
from dossiers.workflow import Action
from procedures.services import agency_upsert
from tests.factories import StaffFactory, UserFactory

OBJECT_KWARGS = {"code", "step_id", "file_id"}


def _dossier_routes():
    """(url name, the kwargs it takes) for every dossier page that names an object."""
    for pattern in dossier_urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        kwargs = set(pattern.pattern.converters)
        if kwargs & OBJECT_KWARGS:
            yield pattern.name, kwargs


def _api_urls(dossier, step):
    base = f"/api/v1/dossiers/{dossier.code}/"
    yield base
    for action in (
        "accept",
        "refuse-intake",
        "withdraw",
        "supply",
        "stop",
        "apologize",
        "confirm-payment",
        "return",
        "resolve-on-the-spot",
    ):
        yield f"{base}{action}/"
    for action in (
        "claim",
        "forward",
        "send-back",
        "request-supplement",
        "approve",
        "refuse",
        "request-payment",
    ):
        yield f"/api/v1/steps/{step.id}/{action}/"


def _outsiders(world):
    elsewhere, _ = agency_upsert(
        code="TINHKHAC", name="UBND tỉnh khác", level="province", kind="peoples_committee"
    )
    other_desk, _ = agency_upsert(
        code="TTKHAC",
        name="Trung tâm tỉnh khác",
        level="province",
        kind="center",
        parent_code="TINHKHAC",
        has_one_stop_desk=True,
    )
    return {
        "another citizen": world.other_citizen,
        "clerk of another office": world.commune_clerk,
        "clerk of another province": StaffFactory(role="clerk", agency=other_desk),
        "postal staff elsewhere": StaffFactory(role="postal", agency=other_desk),
        "reviewer of an agency not on its steps": world.reviewer_other,
        "manager of another province": StaffFactory(role="manager", agency=elsewhere),
        "manager of a commune": StaffFactory(role="manager", agency=world.commune),
    }


def test_every_dossier_address_is_404_to_outsiders(client, world, case):
    dossier, step, file = case
    values = {"code": dossier.code, "step_id": step.id, "file_id": file.id}
    addresses = []
    for name, kwargs in _dossier_routes():
        if "action" in kwargs:
            for action in Action.values:
                addresses.append(reverse(f"dossiers:{name}", kwargs={"action": action, "step_id": step.id}))
        else:
            addresses.append(reverse(f"dossiers:{name}", kwargs={k: values[k] for k in kwargs}))
    addresses += list(_api_urls(dossier, step))
    assert len(addresses) > 30
    for who, user in _outsiders(world).items():
        client.force_login(user)
        for address in addresses:
            for method in (client.get, client.post):
                status = method(address).status_code
                assert status in (404, 405), f"{who}: {method.__name__.upper()} {address} → {status}"
    # and the people of the dossier do see it
    insiders = [world.citizen, world.clerk, world.reviewer_a, world.reviewer_b, world.manager]
    for user in insiders:
        client.force_login(user)
        assert client.get(reverse("dossiers:detail", kwargs={"code": dossier.code})).status_code == 200
        assert client.get(f"/api/v1/dossiers/{dossier.code}/").status_code == 200


def test_outsider_ids_and_unknown_ids_get_the_same_answer(client, world, case):
    dossier, _, file = case
    client.force_login(world.other_citizen)
    real = client.get(reverse("dossiers:file", kwargs={"file_id": file.id}))
    missing = client.get(reverse("dossiers:file", kwargs={"file_id": file.id + 999}))
    assert real.status_code == missing.status_code == 404
    user = UserFactory(role="citizen")
    client.force_login(user)
    assert client.get(f"/api/v1/dossiers/{dossier.code}/").status_code == 404
