"""One way to print a percentage, a date with a time and a phone number (the ``vn`` and ``phones``
template filters), used by every page; citizens never see the portal's internal status codes."""

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.test import override_settings
from django.utils import translation

from dashboards import figures

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def render(text: str, **context) -> str:
    return Template("{% load vn phones %}" + text).render(Context(context))


@pytest.mark.parametrize(
    ("value", "vi", "en"),
    [(96.25, "96,3\u00a0%", "96.3\u00a0%"), (100, "100,0\u00a0%", "100.0\u00a0%"), (None, "–", "–")],
)
def test_a_percentage_has_one_decimal_and_the_languages_decimal_sign(value, vi, en):
    with translation.override("vi"):
        assert render("{{ v|percent }}", v=value) == vi
    with translation.override("en"):
        assert render("{{ v|percent }}", v=value) == en


@override_settings(TIME_ZONE="Asia/Ho_Chi_Minh")
def test_a_date_with_a_time_reads_hour_then_day_in_local_time():
    moment = datetime(2026, 12, 7, 7, 30, tzinfo=ZoneInfo("UTC"))
    with translation.override("vi"):
        assert render("{{ m|date_time }}", m=moment) == "14:30 07/12/2026"
        assert render("{{ m|date_time }}", m=None) == ""


def test_a_phone_number_reads_as_people_write_it():
    assert render("{{ p|phone }}", p="+84912345678") == "0912 345 678"
    assert render("{{ p|phone }}", p="") == ""


def test_pages_print_dates_with_times_and_percentages_only_through_the_filters():
    """No page template formats a date with a time or a percentage by hand (the papers printed for
    a citizen follow their legal forms and are left out)."""
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        if "papers" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        for pattern in ('date:"d/m/Y H:i"', 'date:"SHORT_DATETIME_FORMAT"', "floatformat:1 }} %"):
            if pattern in text:
                offenders.append(f"{path.relative_to(TEMPLATES)}: {pattern}")
    assert not offenders


def test_the_two_overdue_columns_of_the_dashboard_are_named_apart():
    with translation.override("vi"):
        late = str(figures.FIGURES["resolved_late"][0])
        overdue = str(figures.FIGURES["in_progress_overdue"][0])
    assert late != overdue
    assert late == "Giải quyết trễ hạn" and overdue == "Đang giải quyết, quá hạn"
