"""The date and month boxes of every form: ISO values in, ISO values out (web/inputs.py)."""

import re
from datetime import date
from pathlib import Path

from django import forms
from django.utils import translation

from web.inputs import DateInput, MonthField

ROOT = Path(__file__).resolve().parents[2]


class Period(forms.Form):
    day = forms.DateField(widget=DateInput)
    month = MonthField(required=False)


def test_boxes_write_iso_in_every_language():
    for language in ("vi", "en"):
        with translation.override(language):
            html = str(Period(initial={"day": date(2026, 12, 7), "month": date(2026, 12, 1)}))
        assert 'type="date" name="day" value="2026-12-07"' in html
        assert 'type="month" name="month" value="2026-12"' in html


def test_boxes_read_iso_and_typed_dates():
    form = Period({"day": "2026-12-07", "month": "2026-11"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"day": date(2026, 12, 7), "month": date(2026, 11, 1)}
    # A browser without a date picker sends what was typed: dd/mm/yyyy still reads.
    assert Period({"day": "07/12/2026"}).is_valid()


def test_a_bad_month_is_named():
    form = Period({"day": "2026-12-07", "month": "2026-13"})
    assert not form.is_valid()
    assert form.errors["month"] == ["Tháng không hợp lệ: nhập theo dạng năm-tháng, ví dụ 2026-12."]


def test_no_form_makes_a_date_box_by_hand():
    """A date or month box made with ``attrs={"type": ...}`` writes dd/mm/yyyy, which browsers
    throw away: forms use the widgets of web/inputs.py."""
    by_hand = re.compile(r"""["']type["']\s*:\s*["'](date|month|datetime-local)["']""")
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for top in ROOT.iterdir()
        if top.is_dir() and not top.name.startswith(".") and top.name not in ("tests", "var", "node_modules")
        for path in top.rglob("*.py")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if by_hand.search(line)
    ]
    assert not found, found
