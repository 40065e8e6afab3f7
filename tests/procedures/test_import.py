import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from procedures.importers import (
    ImportFileError,
    RowProblem,
    import_procedures,
    parse_amount,
    parse_csv_row,
    parse_fee_kind,
    parse_level,
    parse_national_item,
    parse_time,
)
from procedures.models import Fee, Field, Procedure, ProcessStep, RequiredDocument
from procedures.services import CatalogError, ProcedureData
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"


@pytest.fixture
def agencies():
    return {
        "commune": AgencyFactory(code="UBND-XA-01", name="Ủy ban nhân dân xã An Bình", level="commune"),
        "construction": AgencyFactory(code="SXD", name="Sở Xây dựng", level="province"),
        "ministry": AgencyFactory(code="BTP", name="Bộ Tư pháp", level="central"),
    }


def _item(**overrides) -> dict:
    """A minimal national-database item resolved by SXD."""
    item = {
        "MATTHC": "9.000001",
        "TENTTHC": "Thủ tục thử",
        "CAPTHUCHIEN": "Cấp Tỉnh",
        "LINHVUCTHUCHIEN": [{"MALINHVUC": "TP", "TENLINHVUC": "Tư pháp"}],
        "MUCDODVC": "",
        "CACHTHUCTHUCHIEN": [
            {"KENH": "Trực tiếp", "THOIGIAN": [{"THOIGIANGIAIQUYET": "5", "DONVITINH": "Ngày làm việc"}]}
        ],
        "COQUANTHUCHIEN": [{"MACOQUAN": "SXD", "TENCOQUAN": "Sở Xây dựng"}],
    }
    item.update(overrides)
    return item


def _write_json(tmp_path, items, name="items.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    return path


def _run(*args) -> tuple[str, CommandError | None]:
    out = io.StringIO()
    try:
        call_command("import_procedures", *map(str, args), "--no-progress", stdout=out, stderr=io.StringIO())
    except CommandError as exc:
        return out.getvalue(), exc
    return out.getvalue(), None


# --- JSON of the national database -------------------------------------------------------------


def test_json_import_maps_the_national_database(agencies):
    report = import_procedures(DATA / "national_good.json")

    assert (report.created, report.updated, report.errors) == (3, 0, [])
    birth = Procedure.objects.get(code="1.001193")
    assert birth.name == "Đăng ký khai sinh"
    assert birth.level == "commune"
    assert (birth.field.code, birth.field.name) == ("HT", "Hộ tịch")
    assert birth.agency == agencies["commune"]
    # the counter channel's time and fees, not the online channel's listed first
    assert birth.processing_days == 0
    assert birth.processing_time_note.startswith("Ngay trong ngày tiếp nhận")
    assert (birth.online_level, birth.accepts_counter, birth.accepts_online, birth.accepts_postal) == (
        "partial",
        True,
        True,
        True,
    )
    assert birth.on_the_spot is True
    assert birth.steps_description == "Bước 1: Nộp hồ sơ.\nBước 2: Nhận kết quả."
    assert birth.result == "Giấy khai sinh\nBản sao giấy khai sinh"
    assert birth.legal_basis_lines == [
        "60/2014/QH13 – Luật Hộ tịch (20/11/2014)",
        "123/2015/NĐ-CP – Nghị định quy định chi tiết Luật Hộ tịch (15/11/2015)",
    ]
    assert [(f.kind, f.name, f.amount, f.note) for f in birth.fees.all()] == [
        ("charge", "Lệ phí đăng ký khai sinh đúng hạn", 0, "Miễn phí"),
        ("charge", "Lệ phí đăng ký khai sinh quá hạn", 8000, ""),
    ]
    assert [
        (d.order, d.name, d.originals, d.copies, d.mandatory, d.case, d.form_name)
        for d in birth.documents.all()
    ] == [
        (1, "Tờ khai đăng ký khai sinh", 1, 0, True, "", "Tờ khai đăng ký khai sinh"),
        (2, "Giấy chứng sinh", 1, 0, True, "", ""),
        (3, "Biên bản xác nhận việc trẻ bị bỏ rơi", 1, 0, False, "Trường hợp trẻ em bị bỏ rơi", ""),
    ]

    permit = Procedure.objects.get(code="1.009994")
    assert permit.level == "province"
    assert permit.agency == agencies["construction"]  # matched by name "SO XAY DUNG"
    assert permit.field.name == "Hoạt động xây dựng"
    assert permit.processing_days == 20  # counter channel, although online (15) comes first
    assert (permit.online_level, permit.accepts_counter, permit.accepts_online, permit.accepts_postal) == (
        "full",
        True,
        True,
        False,
    )
    assert permit.on_the_spot is False
    assert [(f.kind, f.amount) for f in permit.fees.all()] == [("charge", 150000), ("fee", 1500000)]
    assert [(d.originals, d.copies) for d in permit.documents.all()] == [(1, 0), (0, 2)]
    assert [(s.order, s.agency.code, s.working_days) for s in permit.process_steps.all()] == [
        (1, "SXD", 12),
        (1, "UBND-XA-01", 5),
        (2, "SXD", 3),
    ]

    other = Procedure.objects.get(code="2.000001")
    assert other.level == "central"  # "Cấp Bộ; Cấp Tỉnh": the first
    assert other.processing_days == Decimal("0.5")  # 4 working hours
    assert other.online_level == "none"
    assert other.accepts_online is False  # an online channel without an online level: a warning
    assert [(f.kind, f.amount, f.note) for f in other.fees.all()] == [("fee", 0, "Không")]
    assert other.result == "Giấy chứng nhận"
    assert other.legal_basis == "Thông tư hướng dẫn"
    assert [(w.line, w.code) for w in report.warnings] == [(3, "2.000001")]
    assert "trực tuyến" in report.warnings[0].reason


def test_reimport_updates_instead_of_duplicating(agencies):
    import_procedures(DATA / "national_good.json")
    Procedure.objects.filter(code="1.001193").update(name="Tên cũ", is_active=False)

    report = import_procedures(DATA / "national_good.json")

    assert (report.created, report.updated, report.errors) == (0, 3, [])
    assert Procedure.objects.count() == 3
    assert RequiredDocument.objects.filter(procedure__code="1.001193").count() == 3
    assert Fee.objects.filter(procedure__code="1.001193").count() == 2
    assert ProcessStep.objects.count() == 3
    birth = Procedure.objects.get(code="1.001193")
    assert birth.name == "Đăng ký khai sinh"
    assert birth.is_active is False  # an administrator's withdrawal is kept


def test_routing_is_kept_when_quytrinh_is_absent_and_on_the_spot_too(agencies, tmp_path):
    import_procedures(DATA / "national_good.json")
    items = json.loads((DATA / "national_good.json").read_text(encoding="utf-8"))["data"]
    for item in items:
        item.pop("QUYTRINH", None)
        item.pop("GIAIQUYETTAICHO", None)

    report = import_procedures(_write_json(tmp_path, items))

    assert report.errors == []
    assert ProcessStep.objects.filter(procedure__code="1.009994").count() == 3
    assert Procedure.objects.get(code="1.001193").on_the_spot is True


def test_one_bad_item_is_reported_and_the_good_ones_imported(agencies):
    out, error = _run(DATA / "national_one_bad.json")

    assert error is not None
    assert "1 dòng lỗi" in str(error)
    assert set(Procedure.objects.values_list("code", flat=True)) == {"1.000001", "1.000003"}
    assert Procedure.objects.get(code="1.000003").processing_days == Decimal("0.5")
    assert "Tạo mới: 2, cập nhật: 0, lỗi: 1" in out
    assert "Mục 2 (1.000002): Không rõ cơ quan giải quyết" in out
    assert "KHONG-CO" in out


def test_import_procedures_report_names_the_item_and_reason(agencies):
    report = import_procedures(DATA / "national_one_bad.json")
    assert report.failed == 1
    problem = report.errors[0]
    assert (problem.line, problem.code, problem.unit) == (2, "1.000002", "item")
    assert "Sở Không Tồn Tại" in problem.reason


def test_default_agency_takes_unknown_agencies(agencies):
    report = import_procedures(DATA / "national_one_bad.json", default_agency="SXD")
    assert (report.created, report.failed) == (3, 0)
    assert Procedure.objects.get(code="1.000002").agency.code == "SXD"
    assert any("KHONG-CO" in w.reason and w.line == 2 for w in report.warnings)


def test_unknown_default_agency_stops_before_anything(agencies):
    with pytest.raises(ImportFileError):
        import_procedures(DATA / "national_one_bad.json", default_agency="NOPE")
    out, error = _run(DATA / "national_one_bad.json", "--agency", "NOPE")
    assert "NOPE" in str(error)
    assert Procedure.objects.count() == 0


def test_routing_longer_than_processing_time_is_an_error_row(agencies, tmp_path):
    steps = [
        {"BUOC": 1, "MACOQUAN": "SXD", "TEN": "Thẩm định", "SONGAY": "4"},
        {"BUOC": 2, "MACOQUAN": "SXD", "TEN": "Phê duyệt", "SONGAY": "1,5"},
    ]
    path = _write_json(tmp_path, [_item(MATTHC="9.000001"), _item(MATTHC="9.000002", QUYTRINH=steps)])

    report = import_procedures(path)

    assert report.created == 1
    assert [(e.line, e.code) for e in report.errors] == [(2, "9.000002")]
    assert "5,5" in report.errors[0].reason
    assert not Procedure.objects.filter(code="9.000002").exists()
    assert ProcessStep.objects.count() == 0


def test_shorter_time_than_the_kept_routing_is_an_error_row(agencies, tmp_path):
    steps = [{"BUOC": 1, "MACOQUAN": "SXD", "TEN": "Thẩm định", "SONGAY": "4"}]
    import_procedures(_write_json(tmp_path, [_item(QUYTRINH=steps)]))
    shorter = _item(CACHTHUCTHUCHIEN=[{"KENH": "Trực tiếp", "THOIGIAN": [{"THOIGIANGIAIQUYET": "2"}]}])

    report = import_procedures(_write_json(tmp_path, [shorter], "again.json"))

    assert report.failed == 1
    assert "QUYTRINH" in report.errors[0].reason
    assert Procedure.objects.get().processing_days == 5


def test_agency_matched_by_name_without_diacritics(agencies):
    item = _item(COQUANTHUCHIEN=[{"MACOQUAN": "H01.20", "TENCOQUAN": "uy ban nhan dan XA AN BINH"}])
    data = parse_national_item(item)
    assert data.agency_code == "UBND-XA-01"


def test_agency_names_shared_by_two_agencies_match_neither(agencies):
    AgencyFactory(code="SXD2", name="SỞ XÂY DỰNG")
    with pytest.raises(Exception, match="Không rõ cơ quan"):
        parse_national_item(_item(COQUANTHUCHIEN=[{"TENCOQUAN": "Sở Xây dựng"}]))


def test_duplicate_code_in_a_file_warns(agencies, tmp_path):
    report = import_procedures(_write_json(tmp_path, [_item(), _item(TENTTHC="Tên mới")]))
    assert (report.created, report.updated) == (1, 1)
    assert "mục 1" in report.warnings[0].reason
    assert Procedure.objects.get().name == "Tên mới"


@pytest.mark.parametrize(
    ("amount", "unit", "days", "time_unit", "warns"),
    [
        ("15", "Ngày làm việc", Decimal(15), "working_day", False),
        ("0.5", "Ngày làm việc", Decimal("0.5"), "working_day", False),
        ("0,5", "Ngày làm việc", Decimal("0.5"), "working_day", False),
        ("Trong ngày", "Ngày làm việc", Decimal(0), "working_day", False),
        ("Trong ngày", "", Decimal(0), "working_day", False),
        (3, "Ngày làm việc", Decimal(3), "working_day", False),
        ("4", "Giờ", Decimal("0.5"), "working_hour", False),
        ("12", "Giờ làm việc", Decimal("1.5"), "working_hour", False),
        ("1", "Giờ làm việc", Decimal("0.13"), "working_hour", False),
        ("30", "Ngày", Decimal(30), "calendar_day", False),
        ("5", "", Decimal(5), "working_day", True),
        ("Từ 5 đến 7", "Ngày làm việc", Decimal(5), "working_day", True),
    ],
)
def test_processing_time(amount, unit, days, time_unit, warns):
    warnings: list[str] = []
    assert parse_time(amount, unit, warnings) == (days, time_unit)
    assert bool(warnings) is warns


@pytest.mark.parametrize(("amount", "unit"), [("lâu", "Ngày làm việc"), ("", "Ngày"), ("2", "Tháng")])
def test_processing_time_that_cannot_be_read_is_an_error(amount, unit):
    with pytest.raises(Exception):  # noqa: B017 - CatalogError
        parse_time(amount, unit, [])


@pytest.mark.parametrize(
    ("text", "amount", "note", "warns"),
    [
        ("8000", 8000, "", False),
        ("8.000", 8000, "", False),
        ("8,000", 8000, "", False),
        ("8.000 đồng", 8000, "", False),
        ("1.500.000 VNĐ", 1500000, "", False),
        (150000, 150000, "", False),
        ("Không", 0, "Không", False),
        ("Miễn phí", 0, "Miễn phí", False),
        ("Miễn lệ phí", 0, "Miễn lệ phí", False),
        ("", 0, "", False),
        (None, 0, "", False),
        ("50.000 đồng/hồ sơ", 50000, "50.000 đồng/hồ sơ", False),
        ("Theo quy định", 0, "Theo quy định", True),
        ("Từ 50.000 đến 100.000 đồng", 50000, "Từ 50.000 đến 100.000 đồng", True),
    ],
)
def test_fee_amount_variants(text, amount, note, warns):
    warnings: list[str] = []
    assert parse_amount(text, warnings) == (amount, note)
    assert bool(warnings) is warns


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (-5000, "không được âm"),
        ("-5.000 đồng", "không được âm"),
        ("− 5000", "không được âm"),
        (12.5, "không phải số nguyên đồng"),
        (Decimal("75000.50"), "không phải số nguyên đồng"),
        (float("nan"), "không phải số nguyên đồng"),
    ],
)
def test_a_negative_or_fractional_fee_amount_is_refused(value, message):
    """Issue 18, "Bad input": read as a positive or a rounded amount, it would be collected."""
    with pytest.raises(CatalogError) as info:
        parse_amount(value, [])
    assert message in " ".join(info.value.messages)


@pytest.mark.parametrize(
    ("kind", "description", "expected"),
    [
        ("Lệ phí", "", "charge"),
        ("Phí", "Lệ phí gì đó", "fee"),
        ("", "Lệ phí đăng ký khai sinh", "charge"),
        ("", "Mức lệ phí: 8.000 đồng", "charge"),
        ("", "Phí thẩm định và lệ phí cấp phép", "fee"),
        ("", "Cấp bản sao", "fee"),
    ],
)
def test_fee_kind(kind, description, expected):
    assert parse_fee_kind(kind, description) == expected


@pytest.mark.parametrize(
    ("value", "level"),
    [
        ("Cấp Bộ", "central"),
        ("Trung ương", "central"),
        ("Cấp Tỉnh", "province"),
        ("Cấp Huyện", "district"),
        ("Cấp Xã", "commune"),
        ("Cấp Tỉnh;Cấp Xã", "province"),
        (["Cấp Xã", "Cấp Tỉnh"], "commune"),
        ("commune", "commune"),
        ("", ""),
    ],
)
def test_levels(value, level):
    assert parse_level(value) == level


def test_no_level_falls_back_to_the_agency(agencies):
    warnings: list[str] = []
    data = parse_national_item(_item(CAPTHUCHIEN=""), warnings=warnings)
    assert data.level == "province"
    assert warnings


def test_dry_run_writes_nothing(agencies):
    out, error = _run(DATA / "national_good.json", "--dry-run")
    assert error is None
    assert "Chạy thử" in out
    assert "Tạo mới: 3" in out
    assert Procedure.objects.count() == 0
    assert Field.objects.count() == 0
    assert RequiredDocument.objects.count() == 0


def test_dry_run_with_a_bad_row_still_fails_and_writes_nothing(agencies):
    report = import_procedures(DATA / "national_one_bad.json", dry_run=True)
    assert (report.created, report.failed, report.dry_run) == (2, 1, True)
    assert Procedure.objects.count() == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [("{not json", "JSON không hợp lệ"), ('{"items": []}', "danh sách")],
)
def test_unreadable_json_file(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ImportFileError, match=message):
        import_procedures(path)


def test_format_from_option_when_the_extension_says_nothing(agencies, tmp_path):
    path = tmp_path / "export.txt"
    path.write_text(json.dumps([_item()]), encoding="utf-8")
    with pytest.raises(ImportFileError, match="--format"):
        import_procedures(path)
    assert import_procedures(path, fmt="json").created == 1


# --- CSV --------------------------------------------------------------------------------------


def test_csv_import(agencies):
    report = import_procedures(DATA / "procedures.csv")

    assert (report.created, report.errors) == (3, [])
    birth = Procedure.objects.get(code="1.001193")
    assert (birth.level, birth.processing_days, birth.online_level, birth.on_the_spot) == (
        "commune",
        0,
        "partial",
        True,
    )
    assert (birth.accepts_counter, birth.accepts_online, birth.accepts_postal) == (True, True, True)
    assert [(d.name, d.originals, d.copies, d.mandatory) for d in birth.documents.all()] == [
        ("Tờ khai đăng ký khai sinh", 1, 0, True),
        ("Giấy chứng sinh", 1, 0, True),
        ("Văn bản ủy quyền", 0, 1, False),
    ]
    assert [(f.kind, f.name, f.amount, f.note) for f in birth.fees.all()] == [
        ("charge", "Lệ phí đăng ký khai sinh quá hạn", 8000, ""),
        ("charge", "Lệ phí đăng ký đúng hạn", 0, "Miễn phí"),
    ]
    assert birth.legal_basis_lines == [
        "60/2014/QH13 – Luật Hộ tịch (20/11/2014)",
        "123/2015/NĐ-CP – Nghị định hướng dẫn (15/11/2015)",
    ]
    assert birth.result == "Giấy khai sinh\nBản sao giấy khai sinh"
    assert birth.conditions == "Trẻ em sinh ra\ntrên địa bàn xã"
    assert birth.applicants == "Công dân Việt Nam"

    permit = Procedure.objects.get(code="1.009994")
    assert (permit.processing_days, permit.online_level, permit.accepts_online, permit.on_the_spot) == (
        Decimal("0.5"),
        "full",
        True,
        False,
    )
    assert [(f.kind, f.amount) for f in permit.fees.all()] == [("fee", 1500000)]

    reissue = Procedure.objects.get(code="2.000001")
    assert reissue.agency == agencies["construction"]  # "so xay dung"
    assert reissue.level == "province"  # from the agency, with a warning
    assert (reissue.accepts_counter, reissue.accepts_online) == (True, False)
    assert [w.line for w in report.warnings] == [5]  # row 1 spans lines 2-3


def test_csv_limit_in_working_hours_is_given_in_hours(agencies, tmp_path):
    path = tmp_path / "hours.csv"
    path.write_text(
        "code,name,field_code,field_name,agency_code,level,processing_days,time_unit,documents\n"
        "1.000777,Chứng thực bản sao,CT,Chứng thực,UBND-XA-01,Cấp Xã,4,giờ làm việc,Bản chính;1;0;1\n",
        encoding="utf-8",
    )
    report = import_procedures(path)
    assert report.errors == []
    procedure = Procedure.objects.get(code="1.000777")
    assert (procedure.processing_days, procedure.time_unit) == (Decimal("0.5"), "working_hour")
    assert procedure.processing_hours == 4


def test_csv_bad_row_is_reported_with_its_physical_line(agencies):
    out, error = _run(DATA / "procedures_bad.csv")

    assert error is not None
    assert set(Procedure.objects.values_list("code", flat=True)) == {"1.000001", "1.000003"}
    assert "Dòng 5 (1.000002):" in out
    assert "lâu lắm" in out


def test_csv_with_byte_order_mark(agencies, tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + (DATA / "procedures.csv").read_bytes())
    for encoding in (None, "utf-8"):
        report = import_procedures(path, encoding=encoding)
        assert report.errors == []
    assert Procedure.objects.count() == 3


def test_csv_other_encoding(agencies, tmp_path):
    path = tmp_path / "utf16.csv"
    path.write_text((DATA / "procedures.csv").read_text(encoding="utf-8"), encoding="utf-16")
    with pytest.raises(ImportFileError, match="--encoding"):
        import_procedures(path)
    assert import_procedures(path, encoding="utf-16").created == 3


def test_csv_missing_columns_stop_the_import(tmp_path):
    path = tmp_path / "few.csv"
    path.write_text("code,name\n1.1,Tên\n", encoding="utf-8")
    with pytest.raises(ImportFileError, match="processing_days"):
        import_procedures(path)


def test_csv_row_problems(agencies, tmp_path):
    header = "code,name,field_code,field_name,agency_code,processing_days,channels,fees,documents,extra\n"
    path = tmp_path / "rows.csv"
    path.write_text(
        header
        + "1.1,A,TP,Tư pháp,SXD,5,counter,,,\n"
        + "1.2,B,TP,Tư pháp,SXD,5,by pigeon,,,\n"
        + "1.3,C,TP,Tư pháp,SXD,5,counter,tip;x;1,,\n"
        + "1.4,D,TP,Tư pháp,SXD,5,counter,,Đơn;một;0;1,\n"
        + "1.5,E,TP,Tư pháp,SXD,5,counter,,,,too,many\n"
        + "\n"
        + "1.6,F,TP,Tư pháp,,5,counter,,,\n",
        encoding="utf-8",
    )
    report = import_procedures(path)
    assert report.created == 1
    assert [(e.line, e.code) for e in report.errors] == [
        (3, "1.2"),
        (4, "1.3"),
        (5, "1.4"),
        (6, "1.5"),
        (8, "1.6"),
    ]
    assert "by pigeon" in report.errors[0].reason
    assert "tip" in report.errors[1].reason
    assert "một" in report.errors[2].reason
    assert "nhiều cột" in report.errors[3].reason
    assert "cơ quan" in report.errors[4].reason
    assert report.warnings[0] == RowProblem(1, "", "Bỏ qua cột không dùng: extra.", "line")


def test_parse_csv_row_is_usable_alone(agencies):
    data = parse_csv_row(
        {"code": "1.7", "name": "G", "field_name": "Tư pháp", "agency_code": "BTP", "processing_days": "3"}
    )
    assert isinstance(data, ProcedureData)
    assert (data.level, data.processing_days, data.accepts_counter, data.steps) == ("central", 3, True, None)


def test_command_prints_summary_and_warnings(agencies):
    out, error = _run(DATA / "procedures.csv")
    assert error is None
    assert "Tạo mới: 3, cập nhật: 0, lỗi: 0, cảnh báo: 1." in out
    assert "Dòng 5 (2.000001): Không ghi cấp thực hiện" in out
    out, error = _run(DATA / "procedures.csv")
    assert "Tạo mới: 0, cập nhật: 3" in out


def test_progress_bar_only_on_a_terminal(agencies):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    bar = Terminal()
    import_procedures(DATA / "procedures.csv", progress=True, progress_file=bar)
    assert "3/3" in bar.getvalue()
    pipe = io.StringIO()
    import_procedures(DATA / "procedures.csv", progress=True, progress_file=pipe)
    assert pipe.getvalue() == ""


def test_the_documented_csv_example_imports(agencies, tmp_path):
    doc = (Path(__file__).parents[2] / "docs" / "import-format.md").read_text(encoding="utf-8")
    example = doc.split("```csv\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "example.csv"
    path.write_text(example, encoding="utf-8")
    report = import_procedures(path)
    assert (report.created, report.errors, report.warnings) == (2, [], [])
    assert Procedure.objects.get(code="1.009994").documents.count() == 2


def test_the_documented_json_example_imports(agencies, tmp_path):
    doc = (Path(__file__).parents[2] / "docs" / "import-format.md").read_text(encoding="utf-8")
    example = doc.split("```json\n", 1)[1].split("```", 1)[0].replace("…", "...")
    path = _write_json(tmp_path, json.loads(example))
    report = import_procedures(path)
    assert (report.created, report.errors, report.warnings) == (1, [], [])
    birth = Procedure.objects.get(code="1.001193")
    assert (birth.processing_days, birth.accepts_postal, birth.process_steps.count()) == (0, True, 1)


def test_an_item_with_a_negative_or_fractional_fee_is_an_error_row(agencies, tmp_path):
    def with_fee(code, amount):
        time = {"THOIGIANGIAIQUYET": "5", "DONVITINH": "Ngày làm việc"}
        time["PHILEPHI"] = [{"LOAIPHI": "Lệ phí", "MOTA": "Lệ phí cấp", "SOTIEN": amount}]
        return _item(MATTHC=code, CACHTHUCTHUCHIEN=[{"KENH": "Trực tiếp", "THOIGIAN": [time]}])

    items = [with_fee("9.000001", "50.000"), with_fee("9.000002", "-50.000"), with_fee("9.000003", 12.5)]

    report = import_procedures(_write_json(tmp_path, items))

    assert report.created == 1
    assert [(e.line, e.code) for e in report.errors] == [(2, "9.000002"), (3, "9.000003")]
    assert "không được âm" in report.errors[0].reason
    assert "không phải số nguyên đồng" in report.errors[1].reason
    assert list(Fee.objects.values_list("amount", flat=True)) == [50000]
