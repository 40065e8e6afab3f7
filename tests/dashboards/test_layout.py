"""The statistics keep the imports one way (DESIGN.md, "Layout"): ``dashboards`` reads every app and
no app imports it; the dossier services reach the rollups only through ``dossiers.statistics``."""

import re
from pathlib import Path

from dashboards import rollup
from dossiers import statistics

ROOT = Path(__file__).resolve().parents[2]
APPS = ("accounts", "counters", "dossiers", "notifications", "procedures", "receipts", "surveys", "hcc")
IMPORTS_DASHBOARDS = re.compile(r"^\s*(from\s+dashboards[\s.]|import\s+dashboards\b)", re.MULTILINE)


def test_no_app_imports_dashboards():
    offenders = [
        str(path.relative_to(ROOT))
        for app in APPS
        for path in sorted((ROOT / app).rglob("*.py"))
        if IMPORTS_DASHBOARDS.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_the_rollups_listen_to_the_dossiers():
    assert statistics.listener() is rollup.LISTENER
