"""Catalog search that ranks as a person expects (issue 21, item 9): the exact name first, then
names starting with the query, then names holding the words; field and agency names match too;
results in Vietnamese alphabetical order; a typo still finds the procedure on PostgreSQL."""

import pytest
from django.db import connection

from procedures.selectors import procedures_search
from procedures.text import sort_key
from tests.factories import AgencyFactory, FieldFactory, ProcedureFactory

pytestmark = pytest.mark.django_db


def names(query: str) -> list[str]:
    return [p.name for p in procedures_search(query)]


def test_exact_name_then_starts_with_then_phrase_then_words():
    field = FieldFactory(name="Hộ tịch")
    for name in (
        "Đăng ký khai sinh kết hợp đăng ký thường trú",
        "Thủ tục đăng ký khai sinh lưu động",
        "Đăng ký khai sinh",
        "Đăng ký lại khai sinh",
    ):
        ProcedureFactory(name=name, field=field)
    assert names("dang ky khai sinh") == [
        "Đăng ký khai sinh",  # the exact name
        "Đăng ký khai sinh kết hợp đăng ký thường trú",  # starts with it
        "Thủ tục đăng ký khai sinh lưu động",  # holds the phrase
        "Đăng ký lại khai sinh",  # holds the words apart
    ]


def test_field_and_agency_names_are_searched_too():
    land = FieldFactory(name="Đất đai")
    ProcedureFactory(name="Đăng ký biến động quyền sử dụng", field=land)
    tax = AgencyFactory(name="Cục Thuế tỉnh")
    ProcedureFactory(name="Miễn, giảm tiền thuê", agency=tax)
    ProcedureFactory(name="Chuyển mục đích sử dụng đất đai")
    found = names("dat dai")
    assert found[0] == "Chuyển mục đích sử dụng đất đai"  # in the name: before a field match
    assert "Đăng ký biến động quyền sử dụng" in found
    assert names("cuc thue") == ["Miễn, giảm tiền thuê"]
    assert names("mien cuc thue") == ["Miễn, giảm tiền thuê"]  # words from the name and the agency


def test_results_in_vietnamese_alphabetical_order():
    field = FieldFactory(name="Chứng thực")
    for name in (
        "Đổi giấy phép",
        "Ủy quyền giấy phép",
        "Cấp giấy phép",
        "Ưu đãi giấy phép",
        "Dừng giấy phép",
    ):
        ProcedureFactory(name=name, field=field)
    assert names("giay phep") == [
        "Cấp giấy phép",
        "Dừng giấy phép",
        "Đổi giấy phép",
        "Ủy quyền giấy phép",
        "Ưu đãi giấy phép",
    ]


def test_sort_key_puts_letters_then_tones_in_dictionary_order():
    assert sorted(["Đa", "Da", "Dà", "Dá", "Dạ", "Dả", "Dã", "Ăn", "An", "Ân"], key=sort_key) == [
        "An", "Ăn", "Ân", "Da", "Dà", "Dả", "Dã", "Dá", "Dạ", "Đa"
    ]  # fmt: skip


def test_a_typo_finds_the_procedure_on_postgresql():
    ProcedureFactory(name="Cấp giấy phép xây dựng")
    ProcedureFactory(name="Đăng ký kết hôn")
    if connection.vendor != "postgresql":
        assert names("giay phep xay dungg") == []  # SQLite: exact words only
        return
    assert names("giay phep xay dungg") == ["Cấp giấy phép xây dựng"]
    assert names("dang ky ket hon") == ["Đăng ký kết hôn"]  # exact words: the same on both databases
