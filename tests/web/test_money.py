from django.template import Context, Template
from django.utils import translation

from web.money import format_vnd, group_digits


def test_money_in_dong():
    with translation.override("vi"):
        assert format_vnd(1500000) == "1.500.000\u00a0₫"
        assert format_vnd(0) == "0\u00a0₫"
        assert format_vnd(None) == ""
        assert Template("{% load vn %}{{ a|vnd }}").render(Context({"a": 200000})) == "200.000\u00a0₫"
    with translation.override("en"):
        assert format_vnd(1500000) == "1,500,000\u00a0₫"


def test_papers_group_digits_the_vietnamese_way_in_any_language():
    with translation.override("en"):
        assert group_digits(1234567) == "1.234.567"
