"""Browser journeys: Playwright (sync API) driving Debian's Chromium against pytest-django's
``live_server``.

Nothing is downloaded: the browser is the system's ``/usr/bin/chromium`` (``apt-get install
chromium``), never one fetched by ``playwright install``. Without it, or without the ``playwright``
package, the tests here are skipped with the reason; in CI (``CI`` set) they fail instead, so that
a missing browser cannot pass unnoticed.

When a test fails, every page it opened is saved under ``test-results/<test>/``: a full-page
screenshot and the HTML, named after the person using the page.
"""

import os
import re
from collections.abc import Callable, Iterator
from importlib.util import find_spec
from pathlib import Path

import pytest

from tests.dossiers.conftest import world  # noqa: F401  (the province, its agencies and people)
from tests.e2e.accessibility import CSP_RECORDER

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Milliseconds. A page of this portal answers in well under a second; these only bound a failure.
ACTION_TIMEOUT = 10_000
# The screens a journey is seen on: a desktop, and a 390 px phone (an iPhone 12–15's CSS width).
SCREENS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
NAVIGATION_TIMEOUT = 15_000
HERE = Path(__file__).resolve().parent
REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()


def missing_browser() -> str:
    """Why the journeys cannot run here ("" when they can)."""
    if find_spec("playwright") is None:
        return "the playwright package is not installed (a dev dependency: make install)"
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        return f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium)"
    return ""


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def pytest_collection_modifyitems(config, items):
    """Skip the browser journeys, with the reason, where they cannot run (not in CI: there the
    ``browser`` fixture fails instead)."""
    del config
    reason = missing_browser()
    if not reason or _in_ci():
        return
    skip = pytest.mark.skip(reason=f"browser journey: {reason}")
    for item in items:
        if HERE in Path(item.path).parents:
            item.add_marker(skip)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item, for the page fixture to know whether the test failed."""
    del call
    report = yield
    item.stash.setdefault(REPORTS, {})[report.when] = report
    return report


@pytest.fixture
def browser(live_server):
    """A headless Chromium for one test.

    Function-scoped on purpose: Playwright's sync API runs its asyncio loop on the test's thread, so
    while it is started Django sees "an async context" there and refuses ORM calls
    (SynchronousOnlyOperation). Ask for data fixtures (``world``…) *before* this one: they are then
    made before Playwright starts, and pytest-django's flush of the database runs after it stopped.
    The live server answers from its own threads, which Playwright does not touch."""
    del live_server
    reason = missing_browser()
    if reason:
        pytest.fail(f"browser journey cannot run: {reason}; CI must run it (see tests/e2e/conftest.py)")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=ACTION_TIMEOUT)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


def pytest_generate_tests(metafunc):
    """A journey marked ``@pytest.mark.both_screens`` runs twice: at desktop width and at 390 px
    (a phone). The others run at desktop width only: running every journey twice would double the
    browser tests' time, so each area marks one journey (docs/notes.md)."""
    if "screen" in metafunc.fixturenames and metafunc.definition.get_closest_marker("both_screens"):
        metafunc.parametrize("screen", list(SCREENS), indirect=True)


@pytest.fixture
def screen(request) -> str:
    """The width every page of the test is opened at: "desktop" or "phone"."""
    return getattr(request, "param", "desktop")


@pytest.fixture
def open_page(browser, live_server, request, screen) -> Iterator[Callable]:
    """``open_page("citizen")``: a page in a browser context of its own (its own cookies, so its
    own login), addressed relative to the live server, at the test's ``screen`` width. On failure,
    each page opened is saved."""
    opened: list[tuple[str, object, object]] = []

    def open_(who: str):
        context = browser.new_context(
            base_url=live_server.url,
            locale="vi-VN",
            timezone_id="Asia/Ho_Chi_Minh",
            viewport=SCREENS[screen],
            is_mobile=screen == "phone",
            has_touch=screen == "phone",
        )
        # No favicon is served: answer the browser's own request here rather than log a 404.
        context.route("**/favicon.ico", lambda route: route.fulfill(status=204))
        context.add_init_script(CSP_RECORDER)
        context.set_default_timeout(ACTION_TIMEOUT)
        context.set_default_navigation_timeout(NAVIGATION_TIMEOUT)
        page = context.new_page()
        opened.append((who, context, page))
        return page

    yield open_

    reports = request.node.stash.get(REPORTS, {})
    failed = any(report.failed for report in reports.values())
    try:
        if failed:
            _save_pages(request, opened)
    finally:
        for _who, context, _page in opened:
            context.close()


def _save_pages(request, opened) -> None:
    folder = request.config.rootpath / "test-results" / re.sub(r"[^\w.-]+", "_", request.node.name)
    folder.mkdir(parents=True, exist_ok=True)
    saved = []
    for who, _context, page in opened:
        name = re.sub(r"[^\w.-]+", "_", who)
        try:
            page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
            (folder / f"{name}.html").write_text(f"<!-- {page.url} -->\n{page.content()}", encoding="utf-8")
            saved.append(f"{who} ({page.url})")
        except Exception as exc:  # a crashed page must not hide the test's own failure
            saved.append(f"{who}: not saved ({exc})")
    print(f"\nbrowser journey failed; pages saved in {folder}:\n  " + "\n  ".join(saved))
