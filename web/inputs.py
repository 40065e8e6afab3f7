"""The browser's own date and month boxes, for every form that shows one.

``<input type="date">`` and ``<input type="month">`` take and send ISO 8601 (``2026-12-31``,
``2026-12``) whatever the page's language, and show the date in the reader's own way. A value in
any other form is thrown away by the browser: the box shows empty and the form is sent without it.
Django's ``DateInput`` writes its value with the first of ``DATE_INPUT_FORMATS``, which for us is
dd/mm/yyyy (the format of the text boxes people type dates into), and a number such as a year gets
the thousands separator in a template (``2.026``). So these boxes are written by the widgets here,
never by hand in a template: the value attribute is ISO, what people read stays dd/mm/yyyy.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

ISO_DATE = "%Y-%m-%d"
ISO_MONTH = "%Y-%m"


class DateInput(forms.DateInput):
    """``<input type="date">`` with its value in ISO (2026-12-31)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=ISO_DATE)


class MonthInput(forms.DateInput):
    """``<input type="month">`` with its value in ISO (2026-12) for a date in that month."""

    input_type = "month"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=ISO_MONTH)


class MonthField(forms.DateField):
    """A month, as the first day of it: "2026-12" is ``date(2026, 12, 1)``."""

    widget = MonthInput
    input_formats = [ISO_MONTH]
    default_error_messages = {
        "invalid": _("Tháng không hợp lệ: nhập theo dạng năm-tháng, ví dụ 2026-12."),
    }
