"""The address in the links the portal sends follows the running server in development and must be
set in production (issue 21, item 1)."""

import os
import shutil
import subprocess  # nosec B404 (our own make and manage.py, fixed arguments)
import sys
from pathlib import Path

import pytest
from django.core.checks import run_checks

ROOT = Path(__file__).resolve().parents[2]


def site_url_checks():
    return [
        (m.id, m.level)
        for m in run_checks(include_deployment_checks=True)
        if m.id in ("hcc.E001", "hcc.W003")
    ]


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
@pytest.mark.parametrize(
    ("args", "env", "url"),
    [
        (["PORT=8101"], {}, "http://127.0.0.1:8101"),
        (["HOST=192.168.1.5", "PORT=8000"], {}, "http://192.168.1.5:8000"),
        (["PORT=8101"], {"HCC_SITE_URL": "https://hcc.example.vn"}, "https://hcc.example.vn"),
    ],
)
def test_make_run_gives_the_server_its_own_address(args, env, url):
    environment = {k: v for k, v in os.environ.items() if k != "HCC_SITE_URL"} | env
    shown = subprocess.run(  # nosec B603 B607
        ["make", "--dry-run", "--always-make", "run", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    commands = [line for line in shown.splitlines() if "runserver" in line or "seed_demo" in line]
    assert len(commands) == 2, shown
    assert all(f'HCC_SITE_URL="{url}"' in line for line in commands), commands


def test_links_use_the_site_url(settings):
    from receipts.codes import absolute_url

    settings.HCC_SITE_URL = "http://127.0.0.1:8101/"
    assert absolute_url("/ho-so/tra-cuu/") == "http://127.0.0.1:8101/ho-so/tra-cuu/"


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:8000", "http://localhost:8101", "http://0.0.0.0:8000", "http://[::1]:80", "hcc.vn"],
)
def test_deploy_check_fails_on_a_development_address(settings, url):
    settings.HCC_SITE_URL = url
    assert site_url_checks() == [("hcc.E001", 40)]


def test_deploy_check_passes_a_public_address(settings):
    settings.HCC_SITE_URL = "https://hcc.example.gov.vn"
    settings.SECURE_SSL_REDIRECT = True
    assert site_url_checks() == []
    settings.HCC_SITE_URL = "http://hcc.example.gov.vn"
    assert site_url_checks() == [("hcc.W003", 30)]


def test_check_deploy_fails_when_unset():
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("HCC_", "DJANGO_"))}
    environment |= {"HCC_SITE_URL": "", "DEBUG": "0", "DATABASE_URL": "sqlite:///:memory:"}
    run = subprocess.run(  # nosec B603
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "ERROR"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert run.returncode != 0
    assert "hcc.E001" in run.stderr and "HCC_SITE_URL" in run.stderr
