"""What a browser sends when a page's form is submitted as the page rendered it.

A page test reads the form from the HTML and sends what a browser would, including the browser's
*value sanitization* of date and month boxes (HTML, "value sanitization algorithm"): a
``<input type="date">`` whose value is not a valid ISO date (``2026-12-31``) shows empty and is
sent empty, and so is a ``<input type="month">`` whose value is not ``2026-12``.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser


def _valid_date(value: str) -> bool:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _valid_month(value: str) -> bool:
    return bool(re.fullmatch(r"\d{4}-\d{2}", value)) and 1 <= int(value[5:]) <= 12


SANITIZE = {"date": _valid_date, "month": _valid_month}


@dataclass
class Box:
    name: str
    type: str
    value: str  # the value attribute, as written in the page
    checked: bool = True  # a check box or radio button that is not ticked sends nothing

    @property
    def sent(self) -> str:
        """What the browser shows and sends."""
        valid = SANITIZE.get(self.type)
        return self.value if valid is None or valid(self.value) else ""


@dataclass
class Form:
    method: str
    action: str = ""  # empty: the page's own address
    boxes: list[Box] = field(default_factory=list)
    buttons: list[str] = field(default_factory=list)

    def box(self, name: str) -> Box:
        return next(b for b in self.boxes if b.name == name)

    def tick(self, name: str) -> None:
        self.box(name).checked = True

    def data(self) -> dict[str, str]:
        """What a press of its submit button sends."""
        return {b.name: b.sent for b in self.boxes if b.checked}


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[Form] = []
        self._select: Box | None = None
        self._first_option: str | None = None
        self._button: list[str] | None = None
        self._textarea: Box | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append(Form(method=a.get("method", "get").lower(), action=a.get("action", "")))
        elif not self.forms:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text").lower()
            if kind in ("checkbox", "radio"):
                box = Box(a["name"], kind, a.get("value", "on"), checked="checked" in a)
                self.forms[-1].boxes.append(box)
            elif kind not in ("submit", "button", "reset", "image", "file"):
                self.forms[-1].boxes.append(Box(a["name"], kind, a.get("value", "")))
        elif tag == "textarea" and a.get("name"):
            self._textarea = Box(a["name"], "textarea", "")
            self.forms[-1].boxes.append(self._textarea)
        elif tag == "select" and a.get("name"):
            self._select = Box(a["name"], "select", "")
            self._first_option = None
            self.forms[-1].boxes.append(self._select)
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._first_option is None:
                self._first_option = value
                self._select.value = value
            if "selected" in a:
                self._select.value = value
        elif tag == "button" and a.get("type", "submit") == "submit":
            self._button = []

    def handle_data(self, data):
        if self._button is not None:
            self._button.append(data)
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            if self._textarea is not None and self._textarea.value.startswith("\n"):
                self._textarea.value = self._textarea.value[1:]  # HTML drops the first newline
            self._textarea = None
        elif tag == "button" and self._button is not None:
            if self.forms:
                self.forms[-1].buttons.append(" ".join("".join(self._button).split()))
            self._button = None


def form_with_button(html: str, button: str) -> Form:
    """The form of the page whose submit button reads ``button``."""
    reader = _Reader()
    reader.feed(html)
    for form in reader.forms:
        if button in form.buttons:
            return form
    raise AssertionError(f"no form with a {button!r} button; buttons: {[f.buttons for f in reader.forms]}")
