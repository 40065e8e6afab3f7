"""Public tracking: by code and secret, by the QR token, through the API; no personal data; the
same answer for a wrong code and a wrong secret; lookups limited per client address."""

import re
import time
import zlib
from contextlib import contextmanager
from datetime import datetime
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from dossiers import services, tracking_pages
from dossiers.files import FileUpload
from dossiers.models import Event
from dossiers.selectors import public_tracking
from dossiers.services import Intake
from tests.factories import PDF_BYTES, VALID_ID_NUMBER, applicant

VN = ZoneInfo("Asia/Ho_Chi_Minh")
TRACK = reverse("dossiers:track")
API = "/api/v1/tracking/"

# What the applicant gave (tests.factories.applicant) and must never appear publicly.
PERSONAL = [
    "Nguyễn Văn An",
    VALID_ID_NUMBER,
    VALID_ID_NUMBER[-4:],  # not even masked
    "0912345678",
    "0912 345 678",
    "+84912345678",
    "an@example.vn",
    "Trần Phú",
    "Hà Đông",
]


def at(day, hour, minute=0):
    return datetime(2026, 12, day, hour, minute, tzinfo=VN)


def receive(world):
    intake = Intake(
        applicant=applicant(),
        request_summary="Xây nhà ở riêng lẻ tại thửa đất số 12",
        documents={d.id: (d.originals, d.copies) for d in world.procedure.documents.all()},
    )
    return services.dossier_receive(actor=world.clerk, procedure=world.procedure, intake=intake)


def submit_online(world):
    docs = list(world.procedure.documents.order_by("order"))
    intake = Intake(
        applicant=applicant(),
        files=[
            FileUpload(name="don-Nguyen-Van-An.pdf", content=PDF_BYTES, document_id=docs[0].id),
            FileUpload(name="ban-ve.pdf", content=PDF_BYTES, document_id=docs[1].id),
        ],
    )
    return services.dossier_submit(
        actor=world.citizen, procedure=world.procedure, office=world.center, intake=intake
    )


def in_processing(world):
    """Received at the counter, the justice step done, now with construction."""
    dossier = receive(world)
    first = dossier.steps.get(order=1)
    services.step_claim(actor=world.reviewer_a, step=first)
    services.step_forward(actor=world.reviewer_a, step=first, note="Hồ sơ của ông An đủ điều kiện pháp lý")
    dossier.refresh_from_db()
    return dossier


def assert_no_personal_data(text: str):
    for value in PERSONAL:
        assert value not in text, value


@contextmanager
def statements_run(expected: int):
    """``expected`` statements reach the database, not counting the PREPARE a PostgreSQL
    connection sends the first time it runs a prepared statement (``web.prepared``)."""
    with CaptureQueriesContext(connection) as captured:
        yield
    run = [query["sql"] for query in captured.captured_queries if not query["sql"].startswith("PREPARE ")]
    assert len(run) == expected, run


def a_lookup() -> int:
    """The statements of a public tracking lookup: on PostgreSQL the registry's id and year of the
    dossier first, so the tracking statement names its year when it is planned (docs/scaling.md);
    elsewhere the tracking statement alone."""
    return 2 if connection.vendor == "postgresql" else 1


def without_csrf(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', 'name="csrfmiddlewaretoken" value=""', html)


# --- by code and secret ------------------------------------------------------------------------------


def test_form_needs_no_login_and_labels_its_fields(client, world):
    response = client.get(TRACK)
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r'<label\s+for="id_code"', html)
    assert re.search(r'<label\s+for="id_secret"', html)
    assert html.count("<h1") == 1
    assert '<meta name="robots" content="noindex, nofollow">' in html


def test_empty_form_shows_the_error_summary_and_counts_no_lookup(client, world):
    response = client.get(TRACK, {"code": "", "secret": ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Có lỗi cần sửa" in html
    assert 'href="#id_code"' in html
    assert 'href="#id_secret"' in html


@freeze_time(at(7, 8))
def test_code_and_secret_show_status_and_timeline_without_personal_data(client, world):
    dossier = in_processing(world)

    # As people type it from paper: lower case, spaces around.
    response = client.get(TRACK, {"code": f" {dossier.code.lower()} ", "secret": dossier.secret.lower()})

    assert response.status_code == 200
    html = response.content.decode()
    assert dossier.code in html
    assert "Cấp giấy phép xây dựng" in html
    assert "Đang giải quyết" in html
    assert "mã trạng thái" not in html  # an internal code, not for citizens
    assert "Sở Xây dựng" in html  # where it is now
    assert "Trung tâm PVHCC" in html  # intake office
    assert "08:00 07/12/2026" in html  # received
    assert "08:00 21/12/2026" in html  # due: 10 working days
    for action in ["Tiếp nhận tại quầy", "Nhận xử lý", "Chuyển bước tiếp theo"]:
        assert action in html
    assert "Sở Tư pháp" in html  # the agency that acted
    assert_no_personal_data(html)
    assert "Xây nhà ở riêng lẻ" not in html  # the request
    assert "đủ điều kiện pháp lý" not in html  # the reviewer's note
    assert html.count("<h1") == 1
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]


@freeze_time(at(7, 8))
def test_apology_shows_the_new_date(client, world):
    dossier = in_processing(world)
    step = dossier.steps.get(order=2)
    services.step_claim(actor=world.reviewer_b, step=step)
    services.dossier_apologize(
        actor=world.reviewer_b, dossier=dossier, reason="Ông An chưa nộp thuế", new_date=at(28, 16)
    )

    html = client.get(TRACK, {"code": dossier.code, "secret": dossier.secret}).content.decode()

    assert "Ngày hẹn trả mới" in html
    assert "16:00 28/12/2026" in html
    assert "Xin lỗi và hẹn lại" in html
    assert "chưa nộp thuế" not in html


@freeze_time(at(7, 8))
def test_refusal_shows_only_that_it_was_refused(client, world):
    dossier = submit_online(world)
    services.dossier_refuse_intake(
        actor=world.clerk, dossier=dossier, reason="Giấy tờ của Nguyễn Văn An không hợp lệ"
    )

    html = client.get(TRACK, {"code": dossier.code, "secret": dossier.secret}).content.decode()

    assert "Từ chối giải quyết" in html
    assert "Để biết lý do, vui lòng đăng nhập" in html
    assert "không hợp lệ" not in html
    assert "don-Nguyen-Van-An.pdf" not in html
    assert_no_personal_data(html)


@freeze_time(at(7, 8))
def test_result_ready_and_returned_dates(client, world):
    dossier = in_processing(world)
    step = dossier.steps.get(order=2)
    services.step_claim(actor=world.reviewer_b, step=step)
    with freeze_time(at(9, 10)):
        services.step_approve(actor=world.reviewer_b, step=step, result_note="Giấy phép số 12/GPXD")
    with freeze_time(at(10, 14)):
        services.dossier_return(
            actor=world.clerk, dossier=dossier, collected_by="Nguyễn Văn An", id_checked=True
        )

    html = client.get(TRACK, {"code": dossier.code, "secret": dossier.secret}).content.decode()

    assert "Đã trả kết quả" in html
    assert "10:00 09/12/2026" in html
    assert "14:00 10/12/2026" in html
    assert "Trung tâm PVHCC" in html
    assert "12/GPXD" not in html
    assert_no_personal_data(html)


@freeze_time(at(7, 8))
def test_wrong_code_and_wrong_secret_get_identical_answers(client, world):
    dossier = receive(world)
    fake_code, fake_secret = "TTPVHCC-261207-0999", "ZZZZZZZZ"
    assert fake_secret != dossier.secret

    wrong_secret = client.get(TRACK, {"code": dossier.code, "secret": fake_secret})
    wrong_code = client.get(TRACK, {"code": fake_code, "secret": dossier.secret})

    assert wrong_secret.status_code == wrong_code.status_code == 404
    first, second = wrong_secret.content.decode(), wrong_code.content.decode()
    assert "Không tìm thấy hồ sơ với mã hồ sơ và mã tra cứu đã nhập" in first
    # The form shows back what was typed; apart from that and the CSRF token, nothing differs.
    for typed in (dossier.code, fake_code):
        first, second = first.replace(typed, "CODE"), second.replace(typed, "CODE")
    for typed in (dossier.secret, fake_secret):
        first, second = first.replace(typed, "SECRET"), second.replace(typed, "SECRET")
    assert without_csrf(first) == without_csrf(second)
    assert dict(wrong_secret.headers).keys() == dict(wrong_code.headers).keys()
    assert_no_personal_data(first)


# --- by token (the QR link) ----------------------------------------------------------------------


@freeze_time(at(7, 8))
def test_token_page_shows_status_without_personal_data_and_leaks_no_referrer(client, world):
    dossier = in_processing(world)

    response = client.get(reverse("dossiers:track_token", args=[dossier.tracking_token]))

    assert response.status_code == 200
    html = response.content.decode()
    assert dossier.code in html
    assert "Đang giải quyết" in html
    assert "Chuyển bước tiếp theo" in html
    assert_no_personal_data(html)
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"]


@freeze_time(at(7, 8))
def test_wrong_token_is_404_with_the_same_headers(client, world):
    dossier = receive(world)
    token = dossier.tracking_token

    response = client.get(
        reverse("dossiers:track_token", args=[token[:-2] + ("AA" if token[-2:] != "AA" else "BB")])
    )

    assert response.status_code == 404
    assert "Không tìm thấy hồ sơ" in response.content.decode()
    assert response["Referrer-Policy"] == "no-referrer"
    assert '<meta name="robots" content="noindex, nofollow">' in response.content.decode()


# --- API -----------------------------------------------------------------------------------------


@freeze_time(at(7, 8))
def test_api_tracking_has_no_personal_data(client, world):
    dossier = in_processing(world)

    response = client.get(API, {"code": dossier.code.lower(), "secret": dossier.secret})

    assert response.status_code == 200
    body = response.json()
    assert body["code"] == dossier.code
    assert (body["status"], body["status_code"]) == ("processing", 4)
    assert body["current_agencies"] == ["Sở Xây dựng"]
    assert [row["action"] for row in body["timeline"]] == ["receive", "claim", "forward"]
    assert body["timeline"][1]["agency"] == "Sở Tư pháp"
    assert_no_personal_data(response.content.decode("unicode_escape"))
    assert_no_personal_data(response.content.decode())
    assert response["Referrer-Policy"] == "no-referrer"


@freeze_time(at(7, 8))
def test_api_wrong_code_and_wrong_secret_are_identical(client, world):
    dossier = receive(world)

    wrong_secret = client.get(API, {"code": dossier.code, "secret": "ZZZZZZZZ"})
    wrong_code = client.get(API, {"code": "TTPVHCC-261207-0999", "secret": dossier.secret})

    assert wrong_secret.status_code == wrong_code.status_code == 404
    assert wrong_secret.content == wrong_code.content


def test_api_needs_both_fields(client, world):
    response = client.get(API, {"code": "TTPVHCC-261207-0001"})
    assert response.status_code == 400
    assert "secret" in response.json()


# --- rate limits ---------------------------------------------------------------------------------


@freeze_time(at(7, 8))
def test_the_21st_lookup_in_a_minute_is_refused_with_429(client, world):
    dossier = receive(world)
    for _ in range(20):
        assert client.get(TRACK, {"code": dossier.code, "secret": "ZZZZZZZZ"}).status_code == 404

    # Even the right pair is refused now, and so is the API and the QR link: one budget.
    response = client.get(TRACK, {"code": dossier.code, "secret": dossier.secret})
    assert response.status_code == 429
    assert "Bạn đã tra cứu quá nhiều lần. Vui lòng thử lại sau ít phút." in response.content.decode()
    assert response["Retry-After"] == "60"
    assert "Tình trạng hồ sơ" not in response.content.decode()
    api = client.get(API, {"code": dossier.code, "secret": dossier.secret})
    assert api.status_code == 429
    assert api.json()["detail"] == "Bạn đã tra cứu quá nhiều lần. Vui lòng thử lại sau 60 giây."
    assert api["Retry-After"] == "60"
    assert client.get(reverse("dossiers:track_token", args=[dossier.tracking_token])).status_code == 429

    # Another address is not affected; the empty form is never limited.
    other = client.get(TRACK, {"code": dossier.code, "secret": dossier.secret}, REMOTE_ADDR="198.51.100.9")
    assert other.status_code == 200
    assert client.get(TRACK).status_code == 200

    # A minute later the address may look up again.
    with freeze_time(at(7, 8, 1)):
        assert client.get(TRACK, {"code": dossier.code, "secret": dossier.secret}).status_code == 200


def test_200_lookups_an_hour(client, world):
    address = "203.0.113.7"
    # Start just after this address's hour window turned (django-ratelimit staggers windows).
    offset = zlib.crc32(address.encode()) % 3600
    start = (int(time.time()) // 3600 + 1) * 3600 + offset + 1
    with freeze_time(datetime.fromtimestamp(start, tz=VN)) as frozen:
        for _minute in range(10):
            for _ in range(20):
                response = client.get(
                    API, {"code": "TTPVHCC-261207-0001", "secret": "X"}, REMOTE_ADDR=address
                )
                assert response.status_code == 404
            frozen.tick(61)
        assert client.get(API, {"code": "X", "secret": "X"}, REMOTE_ADDR=address).status_code == 429


def test_a_first_look_reads_the_dossier_in_one_query_and_a_cached_page_reads_nothing(client, world):
    """A first look reads the dossier, its timeline and its steps in one statement (after the
    registry on PostgreSQL); the next looks at the same address come from the cache without the
    database, until the dossier changes."""
    dossier = in_processing(world)
    token_page = reverse("dossiers:track_token", args=[dossier.tracking_token])
    with statements_run(a_lookup()):
        response = client.get(TRACK, {"code": dossier.code, "secret": dossier.secret})
    assert response.status_code == 200
    with statements_run(a_lookup()):
        assert client.get(token_page).status_code == 200
    with statements_run(0):
        again = client.get(TRACK, {"code": dossier.code, "secret": dossier.secret})
    assert without_csrf(again.content.decode()) == without_csrf(response.content.decode())
    with statements_run(0):
        assert client.get(token_page).status_code == 200
    with statements_run(a_lookup()):
        assert client.get(API, {"code": dossier.code, "secret": dossier.secret}).status_code == 200


def test_on_redis_a_cached_page_costs_one_round_trip_and_a_first_look_two(
    client, world, redis_cache, redis_round_trips, django_capture_on_commit_callbacks
):
    """Counting the lookup in both windows, adding the page's version when the dossier has none yet
    and reading the cached page and its version is one round trip; a first look adds the write of
    the page, once it is sent. A repeated address costs no more."""
    dossier = receive(world)
    token_page = reverse("dossiers:track_token", args=[dossier.tracking_token])
    for expected in (2, 1, 1):
        redis_round_trips["n"] = 0
        assert client.get(token_page).status_code == 200
        assert redis_round_trips["n"] == expected
    with django_capture_on_commit_callbacks(execute=True):
        services.step_claim(actor=world.reviewer_a, step=dossier.steps.get(order=1))
    for expected in (2, 1):
        redis_round_trips["n"] = 0
        assert "Nhận xử lý" in client.get(token_page).content.decode()
        assert redis_round_trips["n"] == expected
    redis_round_trips["n"] = 0
    assert client.get(TRACK, {"code": dossier.code, "secret": "ZZZZZZZZ"}).status_code == 404
    assert redis_round_trips["n"] == 1  # no page kept for a wrong pair


def test_on_redis_the_21st_lookup_is_refused_and_every_lookup_counts(client, world, redis_cache):
    dossier = receive(world)
    token_page = reverse("dossiers:track_token", args=[dossier.tracking_token])
    for _ in range(20):
        assert client.get(token_page).status_code == 200  # from the cache after the first
    assert client.get(token_page).status_code == 429
    assert client.get(API, {"code": dossier.code, "secret": dossier.secret}).status_code == 429
    assert client.get(token_page, REMOTE_ADDR="198.51.100.9").status_code == 200


def test_a_cached_page_changes_as_soon_as_the_dossier_does(client, world, django_capture_on_commit_callbacks):
    dossier = receive(world)
    token_page = reverse("dossiers:track_token", args=[dossier.tracking_token])
    by_code = {"code": dossier.code, "secret": dossier.secret}
    before = client.get(token_page).content.decode()
    assert client.get(TRACK, by_code).status_code == 200
    step = dossier.steps.get(order=1)
    with django_capture_on_commit_callbacks(execute=True):
        services.step_claim(actor=world.reviewer_a, step=step)
        services.step_forward(actor=world.reviewer_a, step=step)
    after = client.get(token_page).content.decode()
    assert after != before
    second = dossier.steps.get(order=2).agency.name
    assert second not in before
    for page in (after, client.get(TRACK, by_code).content.decode()):
        assert second in page


def test_a_change_not_yet_committed_does_not_replace_the_cached_page(
    client, world, django_capture_on_commit_callbacks
):
    """The versions are renewed once the change commits: a reader between the two would otherwise
    keep the old state under the new version."""
    dossier = receive(world)
    token_page = reverse("dossiers:track_token", args=[dossier.tracking_token])
    before = without_csrf(client.get(token_page).content.decode())
    with django_capture_on_commit_callbacks() as pending:
        services.step_claim(actor=world.reviewer_a, step=dossier.steps.get(order=1))
        assert without_csrf(client.get(token_page).content.decode()) == before
    assert pending  # the renewal waits for the commit
    for callback in pending:
        callback()
    assert "Nhận xử lý" in client.get(token_page).content.decode()


def test_every_writer_of_a_dossier_renews_its_page_versions(world, django_capture_on_commit_callbacks):
    """A save or deletion of the dossier, a new event (the services, the admin) and the rollups'
    bulk change each give the code's and the token's version keys a new version."""
    from dossiers import statistics
    from dossiers.models import Dossier

    dossier = receive(world)
    keys = [
        tracking_pages.version_key(code=dossier.code),
        tracking_pages.version_key(token=dossier.tracking_token),
    ]

    def versions_after(change) -> dict:
        before = cache.get_many(keys)
        with django_capture_on_commit_callbacks(execute=True):
            change()
        after = cache.get_many(keys)
        assert set(after) == set(keys)
        assert all(after[key] != before.get(key) for key in keys)
        return after

    versions_after(lambda: Dossier.objects.get(pk=dossier.pk).save())
    versions_after(
        lambda: Event.objects.create(
            dossier_id=dossier.pk, action="note", to_status=dossier.status, at=timezone.now()
        )
    )
    versions_after(
        lambda: statistics.bulk_change(Dossier.objects.filter(pk=dossier.pk), rated_unsatisfied=True)
    )


def test_a_tracking_page_is_served_when_the_cache_does_not_answer(client, world, settings):
    """Without the cache there is no rate limit count and no page kept (each logged), but the
    citizen still sees the dossier."""
    dossier = receive(world)
    nowhere = {
        "BACKEND": "web.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
    with override_settings(CACHES={**settings.CACHES, "default": nowhere}, RATELIMIT_FAIL_OPEN=True):
        response = client.get(reverse("dossiers:track_token", args=[dossier.tracking_token]))
    assert response.status_code == 200
    assert dossier.code in response.content.decode()


def test_each_visitor_of_a_cached_page_gets_a_working_csrf_token_of_their_own(client, world):
    """The language switcher is a form: a page from the cache carries the visitor's own token."""
    dossier = receive(world)
    token_page = reverse("dossiers:track_token", args=[dossier.tracking_token])
    client.get(token_page)  # fills the cache
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get(token_page).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert "@@csrf@@" not in page and len(token) == 64
    switched = visitor.post(
        reverse("set_language"), {"language": "en", "next": token_page, "csrfmiddlewaretoken": token}
    )
    assert switched.status_code == 302
    assert 'lang="en"' in visitor.get(token_page).content.decode()


def test_logged_in_visitors_get_their_own_menu_not_a_cached_page(client, world):
    dossier = receive(world)
    token_page = reverse("dossiers:track_token", args=[dossier.tracking_token])
    client.get(token_page)
    client.force_login(world.citizen)
    assert reverse("dossiers:my_dossiers") in client.get(token_page).content.decode()


def test_a_page_cached_for_an_older_version_is_replaced(client, world, django_capture_on_commit_callbacks):
    dossier = receive(world)
    token_page = reverse("dossiers:track_token", args=[dossier.tracking_token])
    client.get(token_page)
    step = dossier.steps.get(order=1)
    with django_capture_on_commit_callbacks(execute=True):
        services.step_claim(actor=world.reviewer_a, step=step)
    claimed = client.get(token_page).content.decode()
    assert "Nhận xử lý" in claimed
    # The newer page took the older one's place: served from the cache again, unchanged.
    assert without_csrf(client.get(token_page).content.decode()) == without_csrf(claimed)


# --- the selector ----------------------------------------------------------------------------------


@freeze_time(at(7, 8))
def test_public_tracking_reads_what_the_page_shows_in_one_statement(world):
    dossier = in_processing(world)
    with statements_run(a_lookup()):
        tracked = public_tracking(token=dossier.tracking_token)
    with statements_run(1):  # no such code: no tracking statement after the registry
        assert public_tracking(code="TTPVHCC-000000-0000", secret=dossier.secret) is None
    assert tracked == public_tracking(code=f" {dossier.code.lower()} ", secret=dossier.secret.lower())
    assert (tracked.code, tracked.status, tracked.procedure_code) == (
        dossier.code,
        dossier.status,
        dossier.procedure.code,
    )
    assert tracked.intake_office == world.center.name
    assert tracked.received_at == at(7, 8) and tracked.due_at == dossier.due_at
    assert tracked.submitted_at == dossier.submitted_at and tracked.returned_at is None
    events = list(dossier.events.order_by("at", "id"))
    assert [row["action"] for row in tracked.timeline] == [event.action for event in events]
    assert [row["at"] for row in tracked.timeline] == [event.at for event in events]
    assert tracked.timeline[-1]["agency"] == "Sở Tư pháp"
    assert tracked.working_agencies == [dossier.steps.get(order=2).agency.name]
    # Nothing personal is even read.
    assert_no_personal_data(repr(tracked))


def test_public_tracking_gives_the_same_none_for_a_wrong_code_secret_or_token(world):
    dossier = receive(world)
    assert public_tracking(code=dossier.code, secret="ZZZZZZZZ") is None
    assert public_tracking(code="TTPVHCC-261207-0999", secret=dossier.secret) is None
    assert public_tracking(code=dossier.code, secret="") is None
    assert public_tracking(token=dossier.tracking_token[:-1] + "x") is None
    assert public_tracking(token="short") is None
