from datetime import date, datetime
from decimal import Decimal

from django import forms
from django.template import Context, Template
from django.utils import translation
from django.utils.formats import date_format, number_format


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
