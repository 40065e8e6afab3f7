"""Every printed paper as a PDF: its text (pypdf) carries the code, the applicant's name with its
diacritics, the dates dd/mm/yyyy and the amounts 1.234.567. Without Pango, printable HTML."""

import io
from datetime import datetime

import pytest
from django.urls import reverse
from freezegun import freeze_time
from openpyxl import load_workbook
from pypdf import PdfReader

from dossiers import services as dossier_services
from dossiers.models import Dossier
from procedures.models import Fee
from receipts import papers, pdf, services
from receipts.services import Payer
from tests.receipts.conftest import NAME, VN, at, pdf_text, receive


def pdf_of(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    return pdf_text(response.content)


def paper_url(dossier, slug, pdf=True):
    return reverse("receipts:paper_pdf" if pdf else "receipts:paper", args=[dossier.code, slug])


@pytest.fixture
def dossier(world):
    Fee.objects.create(procedure=world.procedure, kind="fee", name="Phí thẩm định", amount=1234567)
    with freeze_time(at(7, 8, 30)):
        return receive(world)


def test_intake_receipt(world, dossier, as_user):
    text = pdf_of(as_user(world.clerk), paper_url(dossier, "giay-tiep-nhan"))
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text
    assert dossier.code in text
    assert NAME in text
    assert "08 giờ 30 phút, ngày 07/12/2026" in text  # received
    assert "ngày 21/12/2026" in text  # due: 10 working days
    assert "1.234.567" in text and "1.309.567" in text  # a fee and the total with the 75.000 charge
    assert "Bản vẽ thiết kế" in text
    assert dossier.secret in text
    assert "Quyển số: 2026, Số thứ tự: 1" in text
    assert "NGƯỜI NỘP HỒ SƠ" in text and "NGƯỜI TIẾP NHẬN HỒ SƠ" in text
    # The shipped font is embedded, and the receipt fits on one A4 page.
    reader = PdfReader(io.BytesIO(as_user(world.clerk).get(paper_url(dossier, "giay-tiep-nhan")).content))
    fonts = {str(f.get_object()["/BaseFont"]) for f in reader.pages[0]["/Resources"]["/Font"].values()}
    assert any("HCC-Serif" in font for font in fonts), fonts
    assert len(reader.pages) == 1


def test_control_sheet_marks_each_hand_off_early_on_time_or_late(world, dossier, as_user):
    step = dossier.steps.get(order=1)  # due 10/12 08:30
    with freeze_time(at(9, 9)):
        dossier_services.step_claim(actor=world.reviewer_a, step=step)
        dossier_services.step_forward(actor=world.reviewer_a, step=step)
    step = dossier.steps.get(order=2)
    with freeze_time(at(21, 10)):  # due 17/12 (6 working days from 09/12): late
        dossier_services.step_claim(actor=world.reviewer_b, step=step)
        dossier_services.step_approve(actor=world.reviewer_b, step=step, result_note="Cấp phép")
    with freeze_time(at(22, 8)):
        text = pdf_of(as_user(world.manager), paper_url(dossier, "phieu-kiem-soat"))
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text
    assert dossier.code in text and NAME in text
    flat = " ".join(text.split())
    assert "Trước hạn" in flat and "Quá hạn" in flat
    assert "07/12/2026" in flat and "09/12/2026" in flat and "21/12/2026" in flat
    assert "giờ làm việc" in flat  # how late, in working hours


def test_letters(world, dossier, as_user):
    step = dossier.steps.get(order=1)
    with freeze_time(at(8, 9)):
        dossier_services.step_claim(actor=world.reviewer_a, step=step)
        dossier_services.dossier_request_supplement(
            actor=world.reviewer_a, step=step, items=["Bản vẽ mặt bằng móng", "Ảnh hiện trạng"]
        )
        text = pdf_of(as_user(world.clerk), paper_url(dossier, "yeu-cau-bo-sung"))
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text
    assert "Bản vẽ mặt bằng móng" in text and "Ảnh hiện trạng" in text
    assert NAME in text and dossier.code in text and "08/12/2026" in text

    with freeze_time(at(9, 9)):
        dossier_services.dossier_supply(actor=world.clerk, dossier=dossier, note="Đã bổ sung")
        dossier_services.dossier_apologize(
            actor=world.reviewer_a,
            dossier=dossier,
            reason="Cần xác minh thực địa",
            new_date=datetime(2026, 12, 28, 16, 0, tzinfo=VN),
        )
        text = pdf_of(as_user(world.reviewer_a), paper_url(dossier, "xin-loi-hen-lai"))
    assert "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in text
    assert "Cần xác minh thực địa" in text and "28/12/2026" in text and NAME in text

    with freeze_time(at(10, 9)):
        dossier_services.dossier_stop(
            actor=world.reviewer_a, dossier=dossier, reason="Người nộp không bổ sung"
        )
        text = pdf_of(as_user(world.reviewer_a), paper_url(dossier, "dung-xu-ly"))
    assert "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ" in text
    assert "Người nộp không bổ sung" in text and "10/12/2026" in text and dossier.code in text


def test_refusal(world, as_user):
    with freeze_time(at(7, 9)):
        dossier = receive(world)
        step = dossier.steps.get(order=1)
        dossier_services.step_claim(actor=world.reviewer_a, step=step)
        dossier_services.step_refuse(
            actor=world.reviewer_a, step=step, reason="Đất không đủ điều kiện cấp phép"
        )
        text = pdf_of(as_user(world.clerk), paper_url(dossier, "tu-choi"))
    assert "PHIẾU TỪ CHỐI GIẢI QUYẾT HỒ SƠ" in text
    assert "Đất không đủ điều kiện cấp phép" in text and NAME in text and "07/12/2026" in text


def test_a_paper_the_dossier_does_not_have_is_404(world, dossier, as_user):
    client = as_user(world.clerk)
    for slug in ("tu-choi", "xin-loi-hen-lai", "dung-xu-ly", "yeu-cau-bo-sung", "khong-co"):
        assert client.get(paper_url(dossier, slug)).status_code == 404


def test_fee_receipt_pdf(world, dossier, as_user, settings):
    settings.HCC_SITE_URL = "https://hcc.example.vn"
    with freeze_time(at(7, 9, 15)):
        receipt = services.receipt_issue(
            actor=world.clerk,
            dossier=dossier,
            payer=Payer(name=NAME, address="Số 1 Trần Phú", tax_code="001203004567"),
            method="transfer",
            transaction_ref="FT26341ABC",
        )
    text = pdf_of(as_user(world.clerk), reverse("receipts:receipt_pdf", args=[receipt.pk]))
    flat = " ".join(text.split())
    assert "BIÊN LAI THU PHÍ, LỆ PHÍ" in text
    assert "01BLP0-001" in text and "AA-26E" in text and "0000001" in text
    assert NAME in text and "001203004567" in text and "FT26341ABC" in text
    assert "1.309.567" in text and "1.234.567" in text and "75.000" in text
    assert "Một triệu ba trăm lẻ chín nghìn năm trăm sáu mươi bảy đồng" in flat
    assert "07/12/2026" in text
    assert dossier.code in text
    assert "NGƯỜI THU TIỀN" in text and world.clerk.display_name in flat
    # the real link (issue 18 item 5): the portal's public address, as in the QR code
    assert f"https://hcc.example.vn/giay-to/xac-minh/{receipt.token}/" in "".join(text.split())


def test_register_pdf_and_xlsx(world, dossier, as_user):
    with freeze_time(at(8, 10)):
        second = receive(world)
    client = as_user(world.clerk)
    query = f"?office={world.center.pk}&start=2026-12-01&end=2026-12-31"
    url = reverse("receipts:register")
    page = client.get(url + query)
    assert page.status_code == 200 and second.code in page.content.decode()
    text = pdf_of(client, url + query + "&format=pdf")
    assert "SỔ THEO DÕI HỒ SƠ" in text
    flat = " ".join(text.split())
    assert dossier.code in flat and second.code in flat and NAME in flat
    assert "07/12/2026" in flat and "01/12/2026" in flat
    response = client.get(url + query + "&format=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][1] == "Mã hồ sơ"
    assert [row[1] for row in rows[1:]] == [dossier.code, second.code]
    assert rows[1][4] == NAME


def test_register_is_for_desk_and_managers_only(world, dossier, as_user):
    url = reverse("receipts:register")
    assert as_user(world.citizen).get(url).status_code == 403
    assert as_user(world.reviewer_a).get(url).status_code == 403
    # A clerk may pick only their own office.
    page = as_user(world.commune_clerk).get(f"{url}?office={world.center.pk}&start=2026-12-01&end=2026-12-31")
    assert page.status_code == 200 and dossier.code not in page.content.decode()


def test_without_pango_papers_are_printable_pages_and_pdf_links_explain(
    world, dossier, as_user, without_pango
):
    client = as_user(world.clerk)
    response = client.get(paper_url(dossier, "giay-tiep-nhan", pdf=False))
    body = response.content.decode()
    assert response.status_code == 200
    assert dossier.code in body and NAME in body and "07/12/2026" in body
    assert "thiếu thư viện Pango" in body
    response = client.get(paper_url(dossier, "giay-tiep-nhan", pdf=True))
    assert response.status_code == 503
    body = response.content.decode()
    assert "Pango" in body and paper_url(dossier, "giay-tiep-nhan", pdf=False) in body
    with freeze_time(at(7, 9)):
        receipt = services.receipt_issue(actor=world.clerk, dossier=dossier, payer=Payer(name=NAME))
    assert client.get(reverse("receipts:receipt_pdf", args=[receipt.pk])).status_code == 503
    page = client.get(reverse("receipts:receipt", args=[receipt.pk]))
    assert page.status_code == 200 and "1.309.567" in page.content.decode()


def test_register_query_count_does_not_grow_with_rows(world, as_user, django_assert_max_num_queries):
    with freeze_time(at(7, 8)):
        receive(world)
    client = as_user(world.clerk)
    url = reverse("receipts:register") + f"?office={world.center.pk}&start=2026-12-01&end=2026-12-31"
    with django_assert_max_num_queries(100) as few:
        client.get(url)
    with freeze_time(at(8, 8)):
        for _ in range(4):
            receive(world)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url)
    assert page.content.decode().count("TTPVHCC-2612") == 5


def test_pdf_html_loses_only_the_whitespace_next_to_block_tags():
    html = (
        '<body class="paper">\n  <h1>GIẤY</h1>\n  <p>Ông/Bà: <strong>A</strong> <span>B</span></p>\n'
        "  <table>\n    <tr>\n      <td>1</td>\n    </tr>\n  </table>\n</body>"
    )
    assert pdf._compact(html) == (
        '<body class="paper"><h1>GIẤY</h1><p>Ông/Bà: <strong>A</strong> <span>B</span></p>'
        "<table><tr><td>1</td></tr></table></body>"
    )


def test_the_intake_receipt_fetches_only_what_it_prints(world, dossier, django_assert_num_queries):
    with django_assert_num_queries(3):  # the dossier with its agencies, documents, fee lines
        fetched = papers.paper_dossier(Dossier.objects.all(), dossier.code, "giay-tiep-nhan")
        assert len(fetched.documents_received.all()) == 3
        assert len(fetched.fee_lines.all()) == 2  # set at receipt, fetched with the dossier
    with django_assert_num_queries(6):  # no paper named: everything any paper prints
        papers.paper_dossier(Dossier.objects.all(), dossier.code)


def test_letters_are_dated_by_their_act_not_by_the_day_they_are_printed(world, dossier, as_user):
    """Forms 02, 04, 03 and the stop notice carry the date of the request, apology, refusal or
    stop, however much later they are printed (issue 17, rule 8)."""
    step = dossier.steps.get(order=1)
    with freeze_time(at(8, 9)):
        dossier_services.step_claim(actor=world.reviewer_a, step=step)
        dossier_services.dossier_request_supplement(actor=world.reviewer_a, step=step, items=["Bản vẽ"])
    with freeze_time(at(9, 9)):
        dossier_services.dossier_supply(actor=world.clerk, dossier=dossier, note="Đã bổ sung")
        dossier_services.dossier_apologize(
            actor=world.reviewer_a,
            dossier=dossier,
            reason="Xác minh",
            new_date=datetime(2026, 12, 28, 16, tzinfo=VN),
        )
    with freeze_time(at(10, 9)):
        dossier_services.dossier_stop(actor=world.reviewer_a, dossier=dossier, reason="Dừng")
    with freeze_time(at(24, 9)):  # printed two weeks later
        client = as_user(world.reviewer_a)
        dated = {
            slug: " ".join(pdf_of(client, paper_url(dossier, slug)).split())
            for slug in ("yeu-cau-bo-sung", "xin-loi-hen-lai", "dung-xu-ly", "giay-tiep-nhan")
        }
    assert "Ngày 08 tháng 12 năm 2026" in dated["yeu-cau-bo-sung"]
    assert "Ngày 09 tháng 12 năm 2026" in dated["xin-loi-hen-lai"]
    assert "Ngày 10 tháng 12 năm 2026" in dated["dung-xu-ly"]
    assert "Ngày 07 tháng 12 năm 2026" in dated["giay-tiep-nhan"]
    assert not any("Ngày 24 tháng 12 năm 2026" in text for text in dated.values())


def test_the_control_sheet_names_givers_and_takers_and_ends_with_the_stop(world, dossier, as_user):
    """Form 06: each hand-off with the agency and the person who gave and who took it; a step
    cancelled by the stop is shown as not continued, not as hundreds of hours late; the stop is
    the last row (issue 17, rule 8)."""
    step = dossier.steps.get(order=1)
    with freeze_time(at(8, 9)):
        dossier_services.step_claim(actor=world.reviewer_a, step=step)
        dossier_services.step_forward(actor=world.reviewer_a, step=step)
    with freeze_time(at(9, 9)):
        dossier_services.dossier_stop(
            actor=world.reviewer_b, dossier=dossier, reason="Người nộp đề nghị dừng"
        )
    context = papers.control_context(
        papers.paper_dossier(Dossier.objects.all(), dossier.code, "phieu-kiem-soat"), now=at(30, 9)
    )
    rows = context["rows"]
    assert (rows[0].giver, rows[0].taker) == (world.clerk.display_name, world.reviewer_a.display_name)
    assert rows[1].giver == world.reviewer_a.display_name
    assert rows[1].outcome == "cancelled" and rows[1].late_by is None
    assert rows[-1].outcome == "closed" and "Người nộp đề nghị dừng" in rows[-1].note
    assert rows[-1].giver == world.reviewer_b.display_name
    with freeze_time(at(30, 9)):
        text = " ".join(pdf_of(as_user(world.manager), paper_url(dossier, "phieu-kiem-soat")).split())
    assert "Dừng giải quyết hồ sơ" in text
    assert "giờ làm việc)" not in text  # nothing is counted as late
    assert world.reviewer_a.display_name in text
