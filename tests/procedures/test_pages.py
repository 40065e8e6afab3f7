"""The public catalog pages: search, filters, pagination, the procedure page, the base layout."""

import re
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from procedures.models import Agency, Procedure, RequiredDocument
from procedures.services import DocumentData, FeeData, ProcedureData, StepData, procedure_upsert
from tests.factories import AgencyFactory, FieldFactory, ProcedureFactory, UserFactory

pytestmark = pytest.mark.django_db

CATALOG = "/"


def _permit(**overrides) -> Procedure:
    """The construction permit, with its documents, fees and a routing with two parallel steps."""
    AgencyFactory(code="SXD", name="Sở Xây dựng")
    AgencyFactory(code="SKHCN", name="Sở Khoa học và Công nghệ")
    AgencyFactory(code="STNMT", name="Sở Nông nghiệp và Môi trường")
    values = {
        "code": "1.009994",
        "name": "Cấp giấy phép xây dựng",
        "field_code": "XD",
        "field_name": "Hoạt động xây dựng",
        "agency_code": "SXD",
        "level": "province",
        "processing_days": Decimal(20),
        "processing_time_note": "Kể từ ngày nhận đủ hồ sơ hợp lệ.",
        "online_level": "full",
        "accepts_online": True,
        "accepts_postal": True,
        "applicants": "Tổ chức, cá nhân",
        "steps_description": "Bước 1: Nộp hồ sơ.\nBước 2: Nhận kết quả.",
        "result": "Giấy phép xây dựng",
        "conditions": "Phù hợp quy hoạch.",
        "legal_basis": "Luật Xây dựng 2014\n\nNghị định 175/2024/NĐ-CP",
        "documents": [
            DocumentData(name="Đơn đề nghị cấp giấy phép xây dựng", form_name="Mẫu số 01"),
            DocumentData(name="Bản vẽ thiết kế", originals=2, copies=1, case="Công trình cấp III"),
            DocumentData(name="Giấy tờ về quyền sử dụng đất", originals=0, copies=1, mandatory=False),
        ],
        "fees": [
            FeeData(kind="charge", name="Lệ phí cấp giấy phép", amount=1_500_000),
            FeeData(kind="fee", name="Phí thẩm định", amount=250_000, note="Theo Nghị quyết HĐND"),
        ],
        "steps": [
            StepData(order=1, agency_code="SXD", name="Tiếp nhận, kiểm tra", working_days=Decimal("0.5")),
            StepData(order=2, agency_code="SKHCN", name="Lấy ý kiến phòng cháy", working_days=Decimal(5)),
            StepData(order=2, agency_code="STNMT", name="Lấy ý kiến môi trường", working_days=Decimal(5)),
            StepData(order=3, agency_code="SXD", name="Thẩm định, cấp phép", working_days=Decimal("12.5")),
        ],
    }
    values.update(overrides)
    procedure, _created = procedure_upsert(data=ProcedureData(**values))
    return procedure


def _codes_listed(response) -> list[str]:
    return [p.code for p in response.context["page"].object_list]


# --- catalog ----------------------------------------------------------------------------------


def test_catalog_lists_active_procedures_and_hides_inactive(client):
    active = ProcedureFactory(name="Đăng ký khai sinh")
    hidden = ProcedureFactory(name="Thủ tục đã bãi bỏ", is_active=False)
    response = client.get(CATALOG)
    assert response.status_code == 200
    body = response.content.decode()
    assert active.name in body
    assert f'href="/thu-tuc/{active.code}/"' in body
    assert hidden.name not in body
    assert "Tìm thấy 1 thủ tục" in body


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("giay phep xay dung", "Cấp giấy phép xây dựng"),
        ("GIẤY PHÉP XÂY DỰNG", "Cấp giấy phép xây dựng"),
        ("dang ky", "Đăng ký khai sinh"),
        ("1.009994", "Cấp giấy phép xây dựng"),
    ],
)
def test_search_ignores_case_and_diacritics(client, query, expected):
    _permit()
    ProcedureFactory(name="Đăng ký khai sinh", level="commune")
    response = client.get(CATALOG, {"q": query})
    names = [p.name for p in response.context["page"].object_list]
    assert names == [expected]
    body = response.content.decode()
    assert "Tìm thấy 1 thủ tục" in body
    # The query stays in the search box.
    assert f'value="{query}"' in body


def test_search_box_has_a_label_and_tells_diacritics_are_optional(client):
    body = client.get(CATALOG).content.decode()
    assert '<label for="id_q"' in body
    assert "Tìm thủ tục hành chính" in body
    placeholder = re.search(r'placeholder="([^"]*)"', body).group(1)
    assert "không dấu" in placeholder


def test_empty_result_says_so(client):
    _permit()
    body = client.get(CATALOG, {"q": "hộ chiếu ngoại giao"}).content.decode()
    assert "Tìm thấy 0 thủ tục" in body
    assert "Không tìm thấy thủ tục nào phù hợp" in body


def test_filters_narrow_the_results(client):
    permit = _permit()
    birth = ProcedureFactory(
        name="Đăng ký khai sinh",
        level="commune",
        online_level="none",
        accepts_online=False,
        agency=AgencyFactory(code="UBX", name="UBND xã An Bình", level="commune"),
        field=FieldFactory(code="HT", name="Hộ tịch"),
    )
    assert sorted(_codes_listed(client.get(CATALOG))) == sorted([permit.code, birth.code])
    assert _codes_listed(client.get(CATALOG, {"level": "commune"})) == [birth.code]
    assert _codes_listed(client.get(CATALOG, {"level": "province"})) == [permit.code]
    assert _codes_listed(client.get(CATALOG, {"agency": "SXD"})) == [permit.code]
    assert _codes_listed(client.get(CATALOG, {"field": "HT"})) == [birth.code]
    assert _codes_listed(client.get(CATALOG, {"online_level": "full"})) == [permit.code]
    assert _codes_listed(client.get(CATALOG, {"online_level": "none", "level": "province"})) == []
    assert _codes_listed(client.get(CATALOG, {"q": "khai sinh", "field": "HT"})) == [birth.code]


def test_filter_form_has_labelled_selects_and_a_submit_button(client):
    _permit()
    body = client.get(CATALOG, {"agency": "SXD"}).content.decode()
    for name in ("level", "agency", "field", "online_level"):
        assert re.search(rf'<label\s+for="id_{name}"', body)
        assert f'name="{name}"' in body
    assert 'method="get"' in body
    assert 'type="submit"' in body
    assert re.search(r'<option value="SXD" selected>Sở Xây dựng</option>', body)


def test_a_bad_filter_value_shows_the_error_summary(client):
    _permit()
    response = client.get(CATALOG, {"level": "galaxy"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Có lỗi cần sửa" in body
    assert 'href="#id_level"' in body


def test_pagination_keeps_the_query(client):
    field = FieldFactory(code="HT", name="Hộ tịch")
    for n in range(25):
        ProcedureFactory(name=f"Đăng ký hộ tịch số {n:02d}", field=field)
    ProcedureFactory(name="Cấp giấy phép lái xe")
    response = client.get(CATALOG, {"q": "dang ky", "field": "HT"})
    body = response.content.decode()
    assert "Tìm thấy 25 thủ tục" in body
    assert len(response.context["page"].object_list) == 20
    assert 'href="?q=dang+ky&amp;field=HT&amp;page=2"' in body
    assert "Trang 1 / 2" in body

    second = client.get(CATALOG, {"q": "dang ky", "field": "HT", "page": 2})
    assert len(second.context["page"].object_list) == 5
    body = second.content.decode()
    assert 'href="?q=dang+ky&amp;field=HT&amp;page=1"' in body
    assert 'aria-current="page"' in body
    assert "page=2&amp;page" not in body


def test_catalog_query_count_does_not_grow_with_rows(client, django_assert_max_num_queries):
    ProcedureFactory()
    with CaptureQueriesContext(connection) as one_row:
        client.get(CATALOG)
    for n in range(30):
        ProcedureFactory(
            agency=AgencyFactory(code=f"Q{n}"), field=FieldFactory(code=f"QF{n}"), name=f"Thủ tục {n}"
        )
    with django_assert_max_num_queries(len(one_row.captured_queries)):
        client.get(CATALOG)
    # a search also reads the field and agency names once (matching "dat dai" to land procedures)
    with django_assert_max_num_queries(7):
        client.get(CATALOG, {"q": "thu tuc", "page": 2})


# --- the procedure page -----------------------------------------------------------------------


def test_detail_shows_what_to_bring_what_it_costs_and_the_routing(client):
    permit = _permit()
    response = client.get(f"/thu-tuc/{permit.code}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<h1" in body and "Cấp giấy phép xây dựng" in body
    assert "1.009994" in body
    assert "Sở Xây dựng" in body
    assert "Hoạt động xây dựng" in body
    assert "Cấp tỉnh" in body
    assert "20 ngày làm việc" in body
    assert "Kể từ ngày nhận đủ hồ sơ hợp lệ." in body
    # documents
    assert "Đơn đề nghị cấp giấy phép xây dựng" in body
    assert "Bản vẽ thiết kế" in body
    assert "Công trình cấp III" in body
    assert "Mẫu số 01" in body
    # fees, money Vietnamese style with the đồng sign, and the total
    assert "1.500.000\u00a0₫" in body
    assert "250.000\u00a0₫" in body
    assert "1.750.000\u00a0₫" in body
    assert "Lệ phí" in body
    # routing: parallel steps said so, fractional days with a decimal comma
    assert "Lấy ý kiến phòng cháy" in body
    assert "Lấy ý kiến môi trường" in body
    assert "Sở Khoa học và Công nghệ" in body
    assert "song song" in body
    assert "12,5" in body
    assert "0,5" in body
    # the rest
    assert "Tổ chức, cá nhân" in body
    assert "Bước 2: Nhận kết quả." in body
    assert "Phù hợp quy hoạch." in body
    assert "<li>Luật Xây dựng 2014</li>" in body
    assert "<li>Nghị định 175/2024/NĐ-CP</li>" in body
    assert "Trực tuyến toàn trình" in body
    assert "bưu chính" in body
    assert 'href="/"' in body  # back to the catalog


@pytest.mark.parametrize(
    ("days", "text"),
    [
        (Decimal(0), "Giải quyết trong ngày"),
        (Decimal("1.5"), "1,5 ngày làm việc"),
        (Decimal(3), "3 ngày làm việc"),
    ],
)
def test_processing_time_in_words(client, days, text):
    procedure = ProcedureFactory(processing_days=days)
    assert text in client.get(f"/thu-tuc/{procedure.code}/").content.decode()
    assert text in client.get(CATALOG).content.decode()


def test_detail_links_the_blank_form_when_there_is_one(client):
    permit = _permit()
    document = RequiredDocument.objects.get(procedure=permit, order=1)
    document.form_template.save("mau-01.docx", ContentFile(b"blank form"))
    body = client.get(f"/thu-tuc/{permit.code}/").content.decode()
    assert f'href="/mau-don/{document.pk}/"' in body
    assert "Tải mẫu Mẫu số 01" in body
    download = client.get(f"/mau-don/{document.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"blank form"


def test_detail_without_fees_says_no_fee(client):
    procedure = ProcedureFactory()
    body = client.get(f"/thu-tuc/{procedure.code}/").content.decode()
    assert "Không thu phí, lệ phí." in body
    assert "Tổng cộng" not in body


def test_online_submission_tells_to_log_in_until_the_dossier_pages_exist(client, monkeypatch):
    permit = _permit()
    monkeypatch.setattr("procedures.views._submit_url", lambda procedure: "")
    body = client.get(f"/thu-tuc/{permit.code}/").content.decode()
    assert "Nộp hồ sơ trực tuyến</a>" not in body
    assert "nhận hồ sơ nộp trực tuyến" in body
    assert '<a href="/tai-khoan/dang-nhap/?next=/thu-tuc/1.009994/">Đăng nhập</a>' in body


def test_online_submission_button_when_the_dossier_pages_exist(client, monkeypatch):
    permit = _permit()
    monkeypatch.setattr("procedures.views._submit_url", lambda procedure: f"/ho-so/nop/{procedure.code}/")
    body = client.get(f"/thu-tuc/{permit.code}/").content.decode()
    assert re.search(r'<a class="btn[^"]*" href="/ho-so/nop/1.009994/">Nộp hồ sơ trực tuyến</a>', body)


def test_no_online_submission_for_counter_only_procedures(client, monkeypatch):
    procedure = ProcedureFactory(online_level="none", accepts_online=False)
    monkeypatch.setattr("procedures.views._submit_url", lambda procedure: "/ho-so/nop/x/")
    body = client.get(f"/thu-tuc/{procedure.code}/").content.decode()
    assert "/ho-so/nop/" not in body
    assert "nhận hồ sơ nộp trực tuyến" not in body


@pytest.mark.parametrize("code", ["9.999999", "inactive"])
def test_detail_404_for_unknown_or_inactive_code(client, code):
    ProcedureFactory(code="inactive", is_active=False)
    response = client.get(f"/thu-tuc/{code}/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


def test_detail_query_count_is_bounded(client, django_assert_max_num_queries):
    permit = _permit()
    with django_assert_max_num_queries(5):
        client.get(f"/thu-tuc/{permit.code}/")


# --- layout -----------------------------------------------------------------------------------


def test_layout_language_and_skip_link_first(client):
    body = client.get(CATALOG).content.decode()
    assert '<html lang="vi">' in body
    assert '<main id="main" tabindex="-1"' in body
    body_part = body[body.index("<body") :]
    first_focusable = re.search(
        r"<(a|button|select|textarea|input(?![^>]*type=\"hidden\"))\b[^>]*>", body_part
    )
    assert 'href="#main"' in first_focusable.group(0)
    assert "<header" in body and "<footer" in body
    assert 'href="/api/docs/"' in body
    assert "/static/vendor/bootstrap/bootstrap.min.css" in body
    # Front-end files are served from here, never from a CDN.
    assets = re.findall(r'<(?:script|link)\b[^>]*(?:src|href)="([^"]+)"', body)
    assert assets
    assert all(url.startswith("/static/") for url in assets), assets


def test_navigation_per_role(client):
    body = client.get(CATALOG).content.decode()
    assert 'href="/tai-khoan/dang-nhap/"' in body
    assert 'href="/tai-khoan/dang-ky/"' in body
    assert "Đăng xuất" not in body
    assert re.search(r'href="/"[^>]*aria-current="page"', body)

    client.force_login(UserFactory(role="citizen"))
    body = client.get(CATALOG).content.decode()
    assert 'href="/tai-khoan/"' in body
    assert re.search(r'<form method="post" action="/tai-khoan/dang-xuat/"', body)
    assert 'href="/admin/"' not in body
    assert 'href="/tai-khoan/dang-nhap/"' not in body

    client.force_login(UserFactory(role="clerk", agency=AgencyFactory()))
    assert 'href="/admin/"' not in client.get(CATALOG).content.decode()

    client.force_login(UserFactory(role="admin", is_staff=True))
    body = client.get("/tai-khoan/").content.decode()
    assert 'href="/admin/"' in body
    assert re.search(r'href="/tai-khoan/"[^>]*aria-current="page"', body)


def test_language_switch_to_english(client):
    body = client.get(CATALOG).content.decode()
    assert 'action="/i18n/setlang/"' in body
    assert '<label for="language-select"' in body
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert '<html lang="en">' in client.get(CATALOG).content.decode()
    client.post("/i18n/setlang/", {"language": "vi", "next": "/"})
    assert '<html lang="vi">' in client.get(CATALOG).content.decode()


def test_error_pages_render():
    assert "Không có quyền truy cập" in render_to_string("403.html", request=RequestFactory().get("/x/"))
    # The 500 page renders with no request and no context processors.
    page = render_to_string("500.html")
    assert '<html lang="vi">' in page
    assert "Hệ thống đang gặp sự cố" in page


@pytest.mark.django_db
def test_english_pages_are_translated(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get("/").content.decode()
    assert "Administrative procedures" in body
    assert "Thủ tục hành chính" not in body


@pytest.fixture
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def test_a_repeated_search_comes_from_the_cache_until_the_catalog_changes(
    client, _fresh_cache, django_assert_num_queries
):
    permit = _permit()
    first = client.get(CATALOG, {"q": "giay phep xay dung"}).content.decode()
    assert "Cấp giấy phép xây dựng" in first
    with django_assert_num_queries(1):  # the catalog's version, nothing else
        again = client.get(CATALOG, {"q": "giay phep xay dung"}).content.decode()
    assert re.sub(r'value="[^"]{64}"', "", again) == re.sub(r'value="[^"]{64}"', "", first)
    permit.name = "Cấp giấy phép xây dựng nhà ở riêng lẻ"
    permit.save()
    assert "nhà ở riêng lẻ" in client.get(CATALOG, {"q": "giay phep xay dung"}).content.decode()
    ProcedureFactory(name="Cấp giấy phép xây dựng công trình tạm")
    assert "công trình tạm" in client.get(CATALOG, {"q": "giay phep xay dung"}).content.decode()


def test_a_renamed_agency_shows_once_the_catalog_page_has_lasted_its_seconds(client, _fresh_cache, settings):
    """Renaming an agency does not change the catalog's version: the cached page lasts
    ``HCC_CATALOG_CACHE_SECONDS``, not the page cache's hour."""
    from freezegun import freeze_time

    settings.HCC_CATALOG_CACHE_SECONDS = 300
    with freeze_time("2026-12-07 08:00") as frozen:
        _permit()
        assert "Sở Xây dựng" in client.get(CATALOG, {"q": "giay phep xay dung"}).content.decode()
        Agency.objects.filter(code="SXD").update(name="Sở Xây dựng và Quy hoạch")
        frozen.tick(299)
        assert "Quy hoạch" not in client.get(CATALOG, {"q": "giay phep xay dung"}).content.decode()
        frozen.tick(2)
        assert "Sở Xây dựng và Quy hoạch" in client.get(CATALOG, {"q": "giay phep xay dung"}).content.decode()


def test_logged_in_visitors_get_the_catalog_with_their_own_menu(client, _fresh_cache):
    _permit()
    client.get(CATALOG)
    user = UserFactory()
    client.force_login(user)
    assert "/tai-khoan/dang-xuat/" in client.get(CATALOG).content.decode()
