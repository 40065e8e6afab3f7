from datetime import date, datetime
from decimal import Decimal

from django import forms
from django.template import Context, Template
from django.utils import translation
from django.utils.formats import date_format, number_format

from hcc.money import format_vnd


class DateForm(forms.Form):
    day = forms.DateField()
    moment = forms.DateTimeField()


def test_dates_read_day_first():
    with translation.override("vi"):
        form = DateForm({"day": "03/04/2025", "moment": "03/04/2025 14:30"})
        assert form.is_valid(), form.errors
    assert form.cleaned_data["day"] == date(2025, 4, 3)
    assert form.cleaned_data["moment"].replace(tzinfo=None) == datetime(2025, 4, 3, 14, 30)


def test_iso_dates_from_date_inputs_still_read():
    with translation.override("vi"):
        form = DateForm({"day": "2025-04-03", "moment": "2025-04-03 08:00"})
        assert form.is_valid(), form.errors
    assert form.cleaned_data["day"] == date(2025, 4, 3)


def test_dates_print_day_first_in_both_languages():
    for lang in ("vi", "en"):
        with translation.override(lang):
            assert date_format(date(2025, 4, 3), "SHORT_DATE_FORMAT") == "03/04/2025"
            assert date_format(date(2025, 4, 3)) == "03/04/2025"


def test_numbers_grouped_with_dots_and_decimal_comma():
    with translation.override("vi"):
        assert number_format(1234567) == "1.234.567"
        assert number_format(Decimal("1.5"), decimal_pos=1) == "1,5"
        assert Template("{{ n }}").render(Context({"n": 1500000})) == "1.500.000"


def test_money_in_dong():
    with translation.override("vi"):
        assert format_vnd(1500000) == "1.500.000\u00a0₫"
        assert format_vnd(0) == "0\u00a0₫"
        assert format_vnd(None) == ""
        assert Template("{% load vn %}{{ a|vnd }}").render(Context({"a": 200000})) == "200.000\u00a0₫"
    with translation.override("en"):
        assert format_vnd(1500000) == "1,500,000\u00a0₫"


def test_client_ip_behind_proxies(settings, rf):
    from hcc.client_ip import client_ip

    request = rf.get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7, 10.0.0.9")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.5"
    settings.TRUSTED_PROXY_COUNT = 2  # the load balancer and the compose proxy
    assert client_ip(request) == "203.0.113.7"
    settings.TRUSTED_PROXY_COUNT = 5
    assert client_ip(request) == "10.0.0.5"
