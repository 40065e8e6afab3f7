"""Who sees what, over every page and API address that names a dossier, a step or a file:
everyone but the people of the dossier gets 404, for GET and POST alike."""

import re
from operator import attrgetter
from types import SimpleNamespace

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from dossiers.workflow import Action
from procedures.services import agency_upsert
from receipts.models import FeeLine, Receipt
from receipts.papers import PAPERS
from receipts.services import Payer, receipt_issue
from tests.factories import StaffFactory, UserFactory

# Every address that names a dossier or something of one, by its URL name, with where each of its
# parameters comes from (an attribute of the case: ``dossier``, ``step``, ``file``; ``action`` is
# every workflow action). A new feature's address (a receipt, a rating, a feedback...) that takes a
# parameter must be listed here or in NAMES_NO_DOSSIER, else the test below fails.
DOSSIER_ROUTES: dict[str, dict[str, str]] = {
    **{
        f"dossiers:{name}": {"code": "dossier.code"}
        for name in (
            "desk_confirmation",
            "desk_accept",
            "desk_refuse_intake",
            "desk_request_intake_supplement",
            "desk_return",
            "desk_on_the_spot",
            "desk_supply",
            "desk_withdraw",
            "submit_done",
            "my_supply",
            "my_withdraw",
            "detail",
            "stop",
            "apologize",
            "confirm_payment",
        )
    },
    "dossiers:step_action": {"step_id": "step.id", "action": "action"},
    # printed papers, fees and receipts of a dossier (receipts/)
    "receipts:collect": {"code": "dossier.code"},
    "receipts:exempt": {"code": "dossier.code", "line_id": "fee_line.id"},
    "receipts:paper": {"code": "dossier.code", "slug": "paper"},
    "receipts:paper_pdf": {"code": "dossier.code", "slug": "paper"},
    "receipts:receipt": {"pk": "receipt.id"},
    "receipts:receipt_pdf": {"pk": "receipt.id"},
    "receipts:cancel": {"pk": "receipt.id"},
    "receipts:sign_result": {"code": "dossier.code", "file_id": "file.id"},
    # the dossier's digitised papers and its stored or reused ones (documents/)
    "documents:progress": {"code": "dossier.code"},
    **{
        f"documents:{name}": {"code": "dossier.code", "pk": "file.id"}
        for name in ("download", "describe", "digitised", "retry")
    },
    "receipts:receipt_xml": {"pk": "receipt.id"},
    # online payment of a dossier's fees (payments/)
    "payments:pay": {"code": "dossier.code"},
    # the applicant's rating of their own dossier (surveys/)
    "surveys:rate_own": {"code": "dossier.code"},
    "dossiers:file": {"file_id": "file.id"},
    **{
        f"dossier-{action}": {"code": "dossier.code"}
        for action in (
            "detail",
            "accept",
            "apologize",
            "confirm-payment",
            "refuse-intake",
            "request-intake-supplement",
            "supply-intake",
            "resolve-on-the-spot",
            "return-result",
            "stop",
            "supply",
            "withdraw",
        )
    },
    **{
        f"step-{action}": {"pk": "step.id"}
        for action in (
            "approve",
            "claim",
            "forward",
            "refuse",
            "request-payment",
            "request-supplement",
            "send-back",
        )
    },
}
# Addresses with a parameter that names no dossier, and why they are not in the matrix.
NAMES_NO_DOSSIER = {
    "procedures:detail": "a public catalog page",
    "procedures:form_template": "a public blank form of the catalog",
    "procedure-detail": "the public catalog API",
    "agency-detail": "the public catalog API",
    "field-detail": "the public catalog API",
    "dossiers:submit_start": "starts a submission for a catalog procedure",
    **{
        f"dossiers:submit_{page}": "a page of an unfinished submission, kept in its author's session"
        for page in ("applicant", "contact", "office", "documents", "check")
    },
    "dossiers:track_token": "public tracking: its 192-bit token is the credential (test_tracking.py)",
    "surveys:rate_dossier": "rating by the link sent after return: the 192-bit QR token is the credential",
    "surveys:kiosk": "a counter's rating tablet: its 192-bit secret address is the credential, no dossier",
    "surveys:feedback_detail": "a feedback item, not a dossier: its own outsider test in tests/surveys",
    "receipts:verify": "public check of a receipt: its token is the credential, no personal data",
    "documents:download_mine": "a paper of the signed-in citizen's own store: its owner only "
    "(tests/documents/test_store.py)",
    "receipts:signed_download": "a signed paper's download, scoped to the dossiers the user may see "
    "(needs a certificate: its outsider test is in tests/receipts/test_signing.py)",
    **{
        f"receipts:{name}": "a desk's guidance paper for a walk-in not received (no dossier): the staff of "
        "that office only (tests/dossiers/test_intake_stage.py)"
        for name in ("guidance", "guidance_pdf")
    },
    "counters:kiosk": "the public kiosk of an office",
    "counters:kiosk_priority": "the public kiosk of an office",
    "counters:board": "the public TV board of an office: ticket codes and counts only",
    "counters:board_json": "the public TV board of an office: ticket codes and counts only",
    **{
        f"counters:{name}": "a queue ticket's phone page: its 192-bit token is the credential"
        for name in ("ticket", "ticket_json", "ticket_print")
    },
    **{
        f"counters:{name}": "a clerk's console action on a counter or ticket of their own office "
        "(tests/counters/test_pages.py); a ticket names no dossier"
        for name in ("open", "close", "transfer", "attach", "ticket_action")
    },
}
# The Django admin checks its own permissions (staff accounts of administrators only).
SKIPPED_PREFIXES = ("admin/",)


def discovered_routes():
    """(URL name, route, parameter names) of every address the URL resolver knows."""

    def walk(resolver, prefix, namespace):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                inner = ":".join(n for n in (namespace, pattern.namespace) if n)
                yield from walk(pattern, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
                route = prefix + str(pattern.pattern)
                yield name, route, set(pattern.pattern.regex.groupindex)

    for name, route, parameters in walk(get_resolver(), "", ""):
        if not route.startswith(SKIPPED_PREFIXES):
            yield name, route, parameters


def test_every_address_with_a_parameter_is_in_the_matrix_or_said_to_name_no_dossier():
    found = {}
    for name, route, parameters in discovered_routes():
        if not parameters:
            continue
        found[name] = route
        assert name, f"{route}: give it a URL name, so that the access matrix can list it"
        if name in DOSSIER_ROUTES:
            assert set(DOSSIER_ROUTES[name]) == parameters, f"{name} ({route}) takes {sorted(parameters)}"
        else:
            assert name in NAMES_NO_DOSSIER, (
                f"new address {route} ({name}): add it to DOSSIER_ROUTES in {__name__} (who may see it is "
                "then tested for every role) or, if it names no dossier, to NAMES_NO_DOSSIER with the reason"
            )
    gone = (set(DOSSIER_ROUTES) | set(NAMES_NO_DOSSIER)) - set(found)
    assert not gone, f"listed but no longer routed: {sorted(gone)}"


def dossier_addresses(case) -> list[str]:
    dossier, step, file = case
    fee_line = FeeLine.objects.filter(dossier=dossier).first()
    receipt = Receipt.objects.filter(dossier=dossier).first()
    assert fee_line and receipt, "the case needs a fee line and a receipt (the case_with_receipt fixture)"
    sources = SimpleNamespace(dossier=dossier, step=step, file=file, fee_line=fee_line, receipt=receipt)
    every = {"action": Action.values, "paper": list(PAPERS)}
    addresses = []
    for name, sources_of in DOSSIER_ROUTES.items():
        choices = [{}]
        for parameter, source in sources_of.items():
            values = every.get(source) or [attrgetter(source)(sources)]
            choices = [{**chosen, parameter: value} for chosen in choices for value in values]
        addresses += [reverse(name, kwargs=kwargs) for kwargs in choices]
    return addresses


@pytest.fixture
def case_with_receipt(world, case):
    """The case, with its fees collected at the center: a receipt and its fee lines."""
    receipt_issue(actor=world.clerk, dossier=case[0], payer=Payer(name="Nguyễn Văn An", address="Hà Nội"))
    return case


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


def test_every_dossier_address_is_404_to_outsiders(client, world, case_with_receipt):
    case = case_with_receipt
    dossier = case[0]
    addresses = dossier_addresses(case)
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


def test_paper_rating_form_answers_outsiders_as_if_the_code_did_not_exist(client, world):
    """The clerks' paper survey form (no parameter in its address, the dossier code is typed):
    a clerk or postal staff member of another office gets exactly the answer of an unknown code,
    and nothing is written; the people of the dossier's intake office do rate it."""
    from surveys.models import Rating
    from tests.factories import ReturnedDossierFactory

    dossier = ReturnedDossierFactory(intake_office=world.center, procedure=world.single)
    address = reverse("surveys:paper")

    def post(code):
        data = {"phieu-TOTAL_FORMS": "1", "phieu-INITIAL_FORMS": "0", "phieu-0-score": "3"}
        data["phieu-0-dossier_code"] = code
        page = client.post(address, data)
        text = page.content.decode().replace(code, "<code>")
        return page.status_code, re.sub(r'(nonce|value)="[^"]*"', "", text)  # per-request tokens

    outsiders = {who: user for who, user in _outsiders(world).items() if user.role in ("clerk", "postal")}
    assert len(outsiders) == 3
    for who, user in outsiders.items():
        client.force_login(user)
        unknown = post("TTPVHCC-261207-9999")
        assert post(dossier.code) == unknown, who
        assert unknown[0] == 200 and "Không tìm thấy hồ sơ mã" in unknown[1]
    assert not Rating.objects.exists()
    for user in (world.clerk, world.postal):
        Rating.objects.all().delete()
        client.force_login(user)
        assert (
            client.post(
                address,
                {
                    "phieu-TOTAL_FORMS": "1",
                    "phieu-INITIAL_FORMS": "0",
                    "phieu-0-score": "3",
                    "phieu-0-dossier_code": dossier.code,
                },
            ).status_code
            == 302
        )
        assert Rating.objects.get().dossier == dossier
