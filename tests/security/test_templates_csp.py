"""Every template under ``templates/`` fits the Content-Security-Policy: no inline event handlers
(``onclick=``…), no ``style=""`` attributes, no ``javascript:`` links, and no inline ``<script>`` or
``<style>`` block without the request's nonce. Templates added later are checked too."""

import re
from pathlib import Path

import pytest
from django.conf import settings

TEMPLATES = Path(settings.BASE_DIR) / "templates"

_COMMENTS = re.compile(r"\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}|\{#.*?#\}", re.S)
_TEMPLATE_TAGS = re.compile(r"\{%.*?%\}", re.S)
_VARIABLES = re.compile(r"\{\{.*?\}\}", re.S)
_HTML_COMMENTS = re.compile(r"<!--.*?-->", re.S)
_TAG = re.compile(r"<([a-zA-Z][\w-]*)(\s[^>]*)?>", re.S)
_EVENT_HANDLER = re.compile(r"(?:^|\s)(on[a-z]+)\s*=", re.I)
_STYLE_ATTRIBUTE = re.compile(r"(?:^|\s)style\s*=", re.I)
_JAVASCRIPT_URL = re.compile(r"=\s*[\"']?\s*javascript:", re.I)
_ATTRIBUTE = re.compile(r"([\w-]+)\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>]+)")
# Data blocks are never run, so the policy does not apply to them.
_DATA_TYPES = {"application/json", "application/ld+json", "text/template"}


def problems(text: str) -> list[str]:
    """What in one template's source the policy would block."""
    text = _COMMENTS.sub(" ", text)
    text = _HTML_COMMENTS.sub(" ", text)
    text = _TEMPLATE_TAGS.sub(" ", text)
    text = _VARIABLES.sub("X", text)
    found = []
    for match in _TAG.finditer(text):
        name, attributes = match.group(1).lower(), match.group(2) or ""
        line = text.count("\n", 0, match.start()) + 1
        for handler in _EVENT_HANDLER.findall(attributes):
            found.append(f"line {line}: inline event handler {handler}= on <{name}>")
        if _STYLE_ATTRIBUTE.search(attributes):
            found.append(f"line {line}: style attribute on <{name}>")
        if _JAVASCRIPT_URL.search(attributes):
            found.append(f"line {line}: javascript: address on <{name}>")
        values = {key.lower(): value.strip("\"'") for key, value in _ATTRIBUTE.findall(attributes)}
        runs = values.get("type", "").lower() not in _DATA_TYPES
        if name == "script" and "src" not in values and runs and "nonce" not in values:
            found.append(f"line {line}: inline <script> without a nonce")
        if name == "style" and "nonce" not in values:
            found.append(f"line {line}: inline <style> without a nonce")
    return found


def all_templates() -> list[Path]:
    return sorted(path for path in TEMPLATES.rglob("*") if path.suffix in {".html", ".txt", ".xml", ".js"})


def test_the_scan_finds_what_the_policy_blocks():
    bad = """
    <button onclick="go()">x</button>
    <p class="a" style="color: red">x</p>
    <a href="javascript:void(0)">x</a>
    <script>alert(1)</script>
    <style>p { color: red }</style>
    <div {% if x %}onmouseover="y()"{% endif %}></div>
    """
    assert len(problems(bad)) == 6
    good = """
    {% comment %}<script>old()</script>{% endcomment %}{# <p style="x"> #}
    <script src="{% static 'js/a.js' %}" defer></script>
    <script nonce="{{ request.csp_nonce }}">ok()</script>
    <style nonce="{{ request.csp_nonce }}">p {}</style>
    <script id="data" type="application/json">{"a": 1}</script>
    <a href="{% url 'x' %}" data-onclick="1" aria-label="one=two">online</a>
    {% if a > b %}<p class="display-style">x</p>{% endif %}
    """
    assert problems(good) == []


def test_there_are_templates_to_scan():
    assert len(all_templates()) > 30


@pytest.mark.parametrize("path", all_templates(), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_template_fits_the_content_security_policy(path):
    assert problems(path.read_text(encoding="utf-8")) == []
