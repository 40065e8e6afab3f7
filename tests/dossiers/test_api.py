"""The dossier REST API: a whole journey through it, scoping (404), refused moves (409), bad input
(400), the schema, and the list's query count."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from freezegun import freeze_time

from dossiers import services
from dossiers.files import FileUpload
from dossiers.models import Dossier, Event
from dossiers.services import Intake
from dossiers.workflow import Status
from tests.factories import JPEG_BYTES, PDF_BYTES, VALID_ID_NUMBER, applicant

VN = ZoneInfo("Asia/Ho_Chi_Minh")
DOSSIERS = "/api/v1/dossiers/"


def at(day, hour, minute=0):
    return datetime(2026, 12, day, hour, minute, tzinfo=VN)


def as_user(client, user):
    client.force_login(user)
    return client


def post_json(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def applicant_fields(**overrides):
    values = {
        "applicant_name": "Nguyễn Văn An",
        "id_number": VALID_ID_NUMBER,
        "address": "Số 1 đường Trần Phú, phường Hà Đông",
        "phone": "0912345678",
        "email": "an@example.vn",
    }
    values.update(overrides)
    return values


def pdf(name="don.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def submission(world, **overrides):
    """A multipart online submission of the routed procedure with both mandatory documents."""
    docs = list(world.procedure.documents.order_by("order"))
    data = {
        "procedure": world.procedure.code,
        "office": world.center.code,
        "request_summary": "Xây nhà ở riêng lẻ",
        "files": [pdf(), SimpleUploadedFile("ban-ve.jpg", JPEG_BYTES, content_type="image/jpeg")],
        "file_documents": [docs[0].id, docs[1].id],
        **applicant_fields(),
    }
    data.update(overrides)
    return data


def receive(world):
    intake = Intake(
        applicant=applicant(),
        documents={d.id: (d.originals, d.copies) for d in world.procedure.documents.all()},
    )
    return services.dossier_receive(actor=world.clerk, procedure=world.procedure, intake=intake)


def submit_online(world):
    docs = list(world.procedure.documents.order_by("order"))
    intake = Intake(
        applicant=applicant(),
        files=[FileUpload(name=f"{d.id}.pdf", content=PDF_BYTES, document_id=d.id) for d in docs[:2]],
    )
    return services.dossier_submit(
        actor=world.citizen, procedure=world.procedure, office=world.center, intake=intake
    )


def step_of(body, order):
    return next(step for step in body["steps"] if step["order"] == order)


# --- the whole journey ---------------------------------------------------------------------------


@freeze_time(at(7, 8))
def test_online_dossier_from_submission_to_return(client, world):
    # The citizen submits online with files.
    response = as_user(client, world.citizen).post(DOSSIERS, submission(world))
    assert response.status_code == 201, response.content
    body = response.json()
    code = body["code"]
    assert body["status"] == Status.SUBMITTED
    assert body["channel"] == "online"
    assert body["id_number"] == VALID_ID_NUMBER  # the applicant sees their own number
    assert body["tracking"]["secret"] == Dossier.objects.get(code=code).secret
    assert body["tracking"]["url"].startswith("http://testserver/ho-so/tra-cuu/")
    assert sorted(f["original_name"] for f in body["files"]) == ["ban-ve.jpg", "don.pdf"]
    assert {f["content_type"] for f in body["files"]} == {"application/pdf", "image/jpeg"}
    assert all("download_url" in f for f in body["files"])
    assert body["actions"] == ["withdraw"]

    # A clerk of the chosen office accepts it: the clock starts.
    response = post_json(as_user(client, world.clerk), f"{DOSSIERS}{code}/accept/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == Status.RECEIVED
    assert body["id_number"] == "********4567"  # masked for staff
    first, second = step_of(body, 1)["id"], step_of(body, 2)["id"]

    # Reviewer A (justice) finds the step in the inbox, claims and forwards it.
    as_user(client, world.reviewer_a)
    inbox = client.get("/api/v1/inbox/").json()
    assert [row["id"] for row in inbox["results"]] == [first]
    assert inbox["results"][0]["dossier"] == code
    assert post_json(client, f"/api/v1/steps/{first}/claim/").status_code == 200
    response = post_json(client, f"/api/v1/steps/{first}/forward/", {"note": "Đủ điều kiện pháp lý"})
    assert response.status_code == 200, response.content
    assert step_of(response.json(), 2)["status"] == "active"

    # Reviewer B (construction) claims and asks for a supplement.
    as_user(client, world.reviewer_b)
    assert [row["id"] for row in client.get("/api/v1/inbox/").json()["results"]] == [second]
    assert post_json(client, f"/api/v1/steps/{second}/claim/").status_code == 200
    response = post_json(
        client, f"/api/v1/steps/{second}/request-supplement/", {"items": ["Bản vẽ mặt cắt"], "note": ""}
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == Status.SUPPLEMENT_REQUESTED
    assert response.json()["supplement_requests"][0]["items"] == ["Bản vẽ mặt cắt"]

    # The citizen supplies a file.
    response = as_user(client, world.citizen).post(
        f"{DOSSIERS}{code}/supply/", {"note": "Bổ sung bản vẽ", "files": [pdf("mat-cat.pdf")]}
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == Status.PROCESSING
    assert "mat-cat.pdf" in [f["original_name"] for f in response.json()["files"]]

    # Reviewer B approves.
    response = post_json(
        as_user(client, world.reviewer_b),
        f"/api/v1/steps/{second}/approve/",
        {"result_note": "Giấy phép số 12"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == Status.RESULT_READY

    # The clerk returns the result at the counter.
    response = post_json(
        as_user(client, world.clerk),
        f"{DOSSIERS}{code}/return/",
        {"collected_by": "Nguyễn Văn An", "id_checked": True},
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == Status.RETURNED

    # Every step is on the dossier's timeline, as the citizen sees it.
    body = as_user(client, world.citizen).get(f"{DOSSIERS}{code}/").json()
    assert [(e["action"], e["to_status"]) for e in body["events"]] == [
        ("submit", "submitted"),
        ("accept", "received"),
        ("claim", "processing"),
        ("forward", "processing"),
        ("claim", "processing"),
        ("request_supplement", "supplement_requested"),
        ("supply", "processing"),
        ("approve", "result_ready"),
        ("return_result", "returned"),
    ]
    assert body["events"][3]["agency"] == "STP"
    assert body["events"][3]["note"] == "Đủ điều kiện pháp lý"
    assert body["returned_to"] == "Nguyễn Văn An"
    assert Event.objects.filter(dossier__code=code).count() == 9


@freeze_time(at(7, 8))
def test_clerk_and_postal_staff_receive_through_the_api(client, world):
    documents = [
        {"document": d.id, "originals": d.originals, "copies": d.copies}
        for d in world.procedure.documents.all()
    ]
    data = {"procedure": world.procedure.code, "documents": documents, **applicant_fields()}

    response = post_json(as_user(client, world.clerk), f"{DOSSIERS}receive/", data)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["code"], body["status"], body["channel"]) == ("TTPVHCC-261207-0001", "received", "counter")
    assert body["tracking"]["secret"]  # printed on the receipt
    assert len(body["documents_received"]) == 3
    assert [s["agency"] for s in body["steps"]] == ["STP", "SXD"]

    response = post_json(as_user(client, world.postal), f"{DOSSIERS}receive/", data)
    assert response.status_code == 201, response.content
    assert response.json()["channel"] == "postal"


@freeze_time(at(7, 8))
def test_json_submission_without_files_for_a_procedure_without_mandatory_documents(client, world):
    world.single.accepts_online = True
    world.single.online_level = "partial"
    world.single.save()
    world.single.documents.update(mandatory=False)
    data = {"procedure": world.single.code, "office": world.center.code, **applicant_fields()}

    response = post_json(as_user(client, world.citizen), DOSSIERS, data)

    assert response.status_code == 201, response.content
    assert response.json()["files"] == []


# --- scope ---------------------------------------------------------------------------------------


@freeze_time(at(7, 8))
def test_someone_elses_dossier_is_404_for_every_role(client, world):
    dossier = submit_online(world)
    services.dossier_accept(actor=world.clerk, dossier=dossier)
    step = dossier.steps.get(order=1)
    outsiders = [world.other_citizen, world.commune_clerk, world.reviewer_other]

    for user in outsiders:
        as_user(client, user)
        assert client.get(f"{DOSSIERS}{dossier.code}/").status_code == 404, user.role
        assert client.get(DOSSIERS).json()["results"] == [], user.role
        assert post_json(client, f"{DOSSIERS}{dossier.code}/withdraw/", {"reason": "x"}).status_code == 404
        assert post_json(client, f"{DOSSIERS}{dossier.code}/supply/", {"note": "x"}).status_code == 404
        assert post_json(client, f"{DOSSIERS}{dossier.code}/stop/", {"reason": "x"}).status_code == 404
        assert post_json(client, f"/api/v1/steps/{step.id}/claim/").status_code == 404, user.role
    assert client.get(f"{DOSSIERS}NO-SUCH-CODE/").status_code == 404

    # Those who may see it do.
    for user in [world.citizen, world.clerk, world.reviewer_a, world.reviewer_b, world.manager, world.admin]:
        assert as_user(client, user).get(f"{DOSSIERS}{dossier.code}/").status_code == 200, user.role
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED


def test_anonymous_gets_nothing(client, world):
    assert client.get(DOSSIERS).status_code in (401, 403)
    assert client.get("/api/v1/inbox/").status_code in (401, 403)
    assert post_json(client, f"{DOSSIERS}receive/", {}).status_code in (401, 403)


def test_inbox_is_for_reviewers(client, world):
    assert as_user(client, world.citizen).get("/api/v1/inbox/").status_code == 403
    assert as_user(client, world.clerk).get("/api/v1/inbox/").status_code == 403
    assert as_user(client, world.reviewer_a).get("/api/v1/inbox/").status_code == 200


# --- refused moves -------------------------------------------------------------------------------


@freeze_time(at(7, 8))
def test_forbidden_moves_are_409_and_change_nothing(client, world):
    dossier = submit_online(world)
    events = Event.objects.count()

    # The applicant may not accept their own dossier.
    response = post_json(as_user(client, world.citizen), f"{DOSSIERS}{dossier.code}/accept/")
    assert response.status_code == 409
    assert response.json() == {"detail": "Vai trò của bạn không được thực hiện “Tiếp nhận hồ sơ trực tuyến”."}

    # Nothing to return yet.
    response = post_json(
        as_user(client, world.clerk),
        f"{DOSSIERS}{dossier.code}/return/",
        {"collected_by": "A", "id_checked": True},
    )
    assert response.status_code == 409
    assert "Trả kết quả" in response.json()["detail"]

    services.dossier_accept(actor=world.clerk, dossier=dossier)
    events += 1
    # Reviewer A sees the dossier but the construction step is not theirs, and not active yet.
    second = dossier.steps.get(order=2)
    response = post_json(as_user(client, world.reviewer_a), f"/api/v1/steps/{second.id}/claim/")
    assert response.status_code == 409
    # Forwarding a step nobody claimed.
    first = dossier.steps.get(order=1)
    response = post_json(client, f"/api/v1/steps/{first.id}/forward/", {"note": ""})
    assert response.status_code == 409
    assert (
        response.json()["detail"]
        == "Không thể “Chuyển bước tiếp theo” khi hồ sơ ở trạng thái “Đã tiếp nhận”."
    )

    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED
    assert Event.objects.count() == events


# --- bad input -----------------------------------------------------------------------------------


@freeze_time(at(7, 8))
def test_bad_input_is_400_with_field_errors(client, world):
    as_user(client, world.citizen)

    # The service's checks come back under the API's field names.
    response = client.post(DOSSIERS, submission(world, id_number="12345", applicant_name=" "))
    assert response.status_code == 400
    assert set(response.json()) == {"id_number", "applicant_name"}

    # Not a PDF/JPEG/PNG, whatever its name says.
    response = client.post(DOSSIERS, submission(world, files=[pdf("fake.pdf", b"MZ not a pdf"), pdf()]))
    assert response.status_code == 400
    assert "fake.pdf" in response.json()["files"][0]

    # Mandatory documents missing (JSON, no files).
    data = {"procedure": world.procedure.code, "office": world.center.code, **applicant_fields()}
    response = post_json(client, DOSSIERS, data)
    assert response.status_code == 400
    assert "Còn thiếu giấy tờ bắt buộc" in response.json()["files"][0]

    # Unknown codes; files and document ids that do not pair up.
    response = post_json(client, DOSSIERS, {**data, "procedure": "9.999999", "office": "NOPE"})
    assert response.status_code == 400
    assert set(response.json()) == {"procedure", "office"}
    response = client.post(DOSSIERS, submission(world, file_documents=[1]))
    assert response.status_code == 400
    assert "file_documents" in response.json()
    assert Dossier.objects.count() == 0

    # Actions: a reason is required, a supplement needs items, an apology a later date.
    dossier = submit_online(world)
    response = post_json(
        as_user(client, world.clerk), f"{DOSSIERS}{dossier.code}/refuse-intake/", {"reason": " "}
    )
    assert response.status_code == 400
    assert response.json() == {"reason": ["Vui lòng nêu lý do từ chối."]}
    response = post_json(client, f"{DOSSIERS}{dossier.code}/refuse-intake/", {})
    assert response.status_code == 400
    assert "reason" in response.json()

    services.dossier_accept(actor=world.clerk, dossier=dossier)
    step = dossier.steps.get(order=1)
    services.step_claim(actor=world.reviewer_a, step=step)
    as_user(client, world.reviewer_a)
    response = post_json(client, f"/api/v1/steps/{step.id}/request-supplement/", {"items": [" "]})
    assert response.status_code == 400
    assert list(response.json()) == ["items"]
    response = post_json(
        client,
        f"{DOSSIERS}{dossier.code}/apologize/",
        {"reason": "Chậm", "new_date": "2026-12-08T08:00:00+07:00"},
    )
    assert response.status_code == 400
    assert list(response.json()) == ["new_date"]
    response = post_json(
        client,
        f"/api/v1/steps/{step.id}/request-payment/",
        {"amount": "nhiều", "notice_number": "TB-1", "issuing_authority": "Thuế cơ sở"},
    )
    assert response.status_code == 400
    assert list(response.json()) == ["amount"]
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING


# --- more actions --------------------------------------------------------------------------------


@freeze_time(at(7, 8))
def test_payment_apology_stop_and_withdraw(client, world):
    dossier = receive(world)
    step = dossier.steps.get(order=1)
    services.step_claim(actor=world.reviewer_a, step=step)
    as_user(client, world.reviewer_a)

    response = post_json(
        client,
        f"/api/v1/steps/{step.id}/request-payment/",
        {"amount": 500000, "kind": "income_tax", "notice_number": "TB-9", "issuing_authority": "Thuế cơ sở"},
    )
    assert response.json()["status"] == Status.AWAITING_PAYMENT
    response = post_json(as_user(client, world.clerk), f"{DOSSIERS}{dossier.code}/confirm-payment/", {})
    assert response.status_code == 400
    assert list(response.json()) == ["proof"]
    response = post_json(
        as_user(client, world.clerk), f"{DOSSIERS}{dossier.code}/confirm-payment/", {"proof": "GNT-7"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == Status.PROCESSING

    response = post_json(
        as_user(client, world.reviewer_a),
        f"{DOSSIERS}{dossier.code}/apologize/",
        {"reason": "Chờ ý kiến liên ngành", "new_date": "2026-12-30T16:00:00+07:00"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["promised_at"] == "2026-12-30T16:00:00+07:00"

    response = post_json(client, f"{DOSSIERS}{dossier.code}/stop/", {"reason": "Người nộp đề nghị dừng"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == Status.STOPPED

    online = submit_online(world)
    response = post_json(
        as_user(client, world.citizen), f"{DOSSIERS}{online.code}/withdraw/", {"reason": "Nộp nhầm"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == Status.WITHDRAWN


@freeze_time(at(7, 8))
def test_on_the_spot_and_send_back_and_refuse(client, world):
    intake = Intake(
        applicant=applicant(),
        documents={d.id: (1, 0) for d in world.on_the_spot.documents.all()},
    )
    spot = services.dossier_receive(actor=world.commune_clerk, procedure=world.on_the_spot, intake=intake)
    response = post_json(
        as_user(client, world.commune_clerk),
        f"{DOSSIERS}{spot.code}/resolve-on-the-spot/",
        {"result_note": "Đã chứng thực 2 bản"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == Status.RESULT_READY

    dossier = receive(world)
    first = dossier.steps.get(order=1)
    services.step_claim(actor=world.reviewer_a, step=first)
    services.step_forward(actor=world.reviewer_a, step=first)
    second = dossier.steps.get(order=2)
    services.step_claim(actor=world.reviewer_b, step=second)
    as_user(client, world.reviewer_b)
    response = post_json(client, f"/api/v1/steps/{second.id}/send-back/", {"reason": "Thiếu ý kiến pháp lý"})
    assert response.status_code == 200, response.content
    assert step_of(response.json(), 1)["status"] == "active"

    services.step_claim(actor=world.reviewer_a, step=first)
    response = post_json(
        as_user(client, world.reviewer_a), f"/api/v1/steps/{first.id}/refuse/", {"reason": "Sai quy hoạch"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == Status.REFUSED
    assert response.json()["closing_reason"] == "Sai quy hoạch"


# --- list ----------------------------------------------------------------------------------------


@freeze_time(at(7, 8))
def test_list_is_scoped_filtered_and_its_query_count_bounded(client, world, django_assert_max_num_queries):
    for _ in range(30):
        receive(world)
    online = submit_online(world)

    as_user(client, world.clerk)
    with django_assert_max_num_queries(5):
        body = client.get(DOSSIERS, {"page_size": 100}).json()
    assert len(body["results"]) == 31
    assert body["results"][0]["code"] == online.code  # newest first
    with django_assert_max_num_queries(5):
        client.get(DOSSIERS, {"page_size": 100, "procedure": world.procedure.code, "status": "received"})

    assert len(client.get(DOSSIERS, {"status": "submitted"}).json()["results"]) == 1
    assert len(client.get(DOSSIERS, {"channel": "counter", "page_size": 100}).json()["results"]) == 30
    assert client.get(DOSSIERS, {"procedure": "2.000001"}).json()["results"] == []
    assert client.get(DOSSIERS, {"status": "lost"}).status_code == 400

    page = client.get(DOSSIERS, {"page_size": 20}).json()
    assert len(page["results"]) == 20
    assert len(client.get(page["next"]).json()["results"]) == 11

    # The citizen sees their own only.
    codes = [row["code"] for row in as_user(client, world.citizen).get(DOSSIERS).json()["results"]]
    assert codes == [online.code]
    as_user(client, world.manager)
    with django_assert_max_num_queries(6):  # the manager's scope: one query per agency level
        assert len(client.get(DOSSIERS, {"page_size": 100}).json()["results"]) == 31


@freeze_time(at(7, 8))
def test_detail_query_count_is_bounded(client, world, django_assert_max_num_queries):
    dossier = submit_online(world)
    services.dossier_accept(actor=world.clerk, dossier=dossier)
    as_user(client, world.clerk)
    with django_assert_max_num_queries(12):
        assert client.get(f"{DOSSIERS}{dossier.code}/").status_code == 200


@freeze_time(at(7, 8))
def test_inbox_is_due_first_with_a_bounded_query_count(client, world, django_assert_max_num_queries):
    dossiers = [receive(world) for _ in range(25)]
    services.step_claim(actor=world.reviewer_a, step=dossiers[3].steps.get(order=1))
    as_user(client, world.reviewer_a)

    with django_assert_max_num_queries(7):
        body = client.get("/api/v1/inbox/").json()

    assert body["count"] == 25
    rows = body["results"]
    assert [row["due_at"] for row in rows] == sorted(row["due_at"] for row in rows)
    claimed = next(row for row in rows if row["dossier"] == dossiers[3].code)
    assert (claimed["status"], claimed["claimed_by"]) == ("claimed", world.reviewer_a.display_name)
    assert {row["agency"] for row in rows} == {"STP"}
    assert {row["urgency"] for row in rows} == {"ok"}
    assert as_user(client, world.reviewer_b).get("/api/v1/inbox/").json()["count"] == 0


# --- schema --------------------------------------------------------------------------------------


def test_schema_lists_every_endpoint_and_validates(client, tmp_path):
    paths = client.get("/api/schema/", {"format": "json"}).json()["paths"]
    expected = {
        "/api/v1/dossiers/": {"get", "post"},
        "/api/v1/dossiers/{code}/": {"get"},
        "/api/v1/dossiers/receive/": {"post"},
        "/api/v1/inbox/": {"get"},
        "/api/v1/tracking/": {"get"},
    }
    for action in [
        "accept",
        "refuse-intake",
        "withdraw",
        "supply",
        "stop",
        "apologize",
        "confirm-payment",
        "return",
        "resolve-on-the-spot",
    ]:
        expected[f"/api/v1/dossiers/{{code}}/{action}/"] = {"post"}
    for action in [
        "claim",
        "forward",
        "send-back",
        "request-supplement",
        "approve",
        "refuse",
        "request-payment",
    ]:
        expected[f"/api/v1/steps/{{id}}/{action}/"] = {"post"}
    for path, methods in expected.items():
        assert path in paths, path
        assert methods <= set(paths[path]), path
    assert "multipart/form-data" in paths["/api/v1/dossiers/"]["post"]["requestBody"]["content"]
    accept = paths["/api/v1/dossiers/{code}/accept/"]["post"]["responses"]
    # 422: its Idempotency-Key was used for another request (dossiers/once.py)
    assert set(accept) == {"200", "400", "403", "404", "409", "422"}

    # No warnings either (the same check as `manage.py spectacular --validate --fail-on-warn`).
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))


def test_an_api_submission_records_the_notice_version_agreed_to(client, world, settings):
    from accounts.models import Consent

    settings.PRIVACY_NOTICE_VERSION = "3.0"
    as_user(client, world.citizen)
    stale = client.post(DOSSIERS, submission(world) | {"notice_version": "2.0"})
    assert stale.status_code == 400 and "phiên bản 3.0" in stale.content.decode()
    assert not Dossier.objects.exists() and not Consent.objects.exists()
    response = client.post(DOSSIERS, submission(world) | {"notice_version": "3.0"})
    assert response.status_code == 201, response.content
    consent = Consent.objects.get()
    assert (consent.user, consent.notice_version, consent.dossier_code) == (
        world.citizen,
        "3.0",
        response.json()["code"],
    )
