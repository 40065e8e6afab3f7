"""Numbers a machine reads back must not pass through the Vietnamese number format.

With USE_THOUSAND_SEPARATOR every number a template prints reads 3.045; that is right for people
and wrong for a form value, an element id or a data attribute (a receipt 3045 posted back as
"3.045" is not found). Such values print with ``|stringformat:"d"`` (or ``|unlocalize``).
"""

import re
from pathlib import Path

from django.template import Context, Template
from django.test import override_settings

ROOT = Path(__file__).resolve().parents[2]
RAW_ID = re.compile(r"\{\{\s*[\w.]*?(?:\.pk|\.id|(?<!auto)_id)\s*\}\}")


def _templates():
    for folder in [ROOT / "templates", *ROOT.glob("*/templates")]:
        if ".venv" in folder.parts:
            continue
        yield from folder.rglob("*.html")


def test_no_template_prints_an_id_through_the_number_format():
    offenders = []
    for path in _templates():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if RAW_ID.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


@override_settings(USE_THOUSAND_SEPARATOR=True, LANGUAGE_CODE="vi")
def test_an_id_printed_with_stringformat_reads_back_as_the_same_number():
    rendered = Template('<tr data-owner="{{ pk|stringformat:"d" }}">{{ pk }}</tr>').render(
        Context({"pk": 3045})
    )
    assert rendered == '<tr data-owner="3045">3.045</tr>'
