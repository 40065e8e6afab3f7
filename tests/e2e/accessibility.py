"""Accessibility and Content-Security-Policy checks of the page a browser journey is on.

``assert_accessible(page)`` runs axe-core (the copy bundled with the ``axe-playwright-python``
package: nothing is fetched) on the page as it is now, with the WCAG 2.0 and 2.1 level A and AA
rules, and fails with one line per violation and element. It also fails when the browser refused
anything under the site's Content-Security-Policy since the page was opened (the ``open_page``
fixture records those). Call it on every new page a journey reaches; when it fails, the
``open_page`` fixture saves a screenshot and the HTML of every page under ``test-results/``.
"""

from __future__ import annotations

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# Recorded in each page by an init script (see conftest.open_page): what the browser refused.
CSP_RECORDER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile || location.pathname}:${event.lineNumber}`);
});
"""

_axe = None


def _runner():
    global _axe
    if _axe is None:
        from axe_playwright_python.sync_playwright import Axe

        _axe = Axe()
    return _axe


def violations(page) -> list[str]:
    """WCAG 2.1 AA violations on the page: "rule (impact): help — element" lines."""
    results = _runner().run(
        page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    )
    found = []
    for violation in results.response["violations"]:
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            found.append(f"{violation['id']} ({violation['impact']}): {violation['help']} — {target}")
    return found


def csp_violations(page) -> list[str]:
    return page.evaluate("() => window.__cspViolations || []")


def overflow(page) -> str:
    """Empty when the page fits the viewport's width; else how wide it is and the widest elements
    that stick out (a table not in its scrolling box, a long word, a fixed width)."""
    return page.evaluate(
        """() => {
          const width = document.documentElement.clientWidth;
          const page = document.documentElement.scrollWidth;
          if (page <= width) return "";
          const wide = [...document.querySelectorAll("body *")]
            .filter((el) => el.getBoundingClientRect().right > width + 1)
            .filter((el) => !el.closest(".table-responsive")
              || el.matches(".table-responsive"))
            .slice(0, 5)
            .map((el) => `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}`
              + `.${[...el.classList].join(".")} (${Math.round(el.getBoundingClientRect().right)} px)`);
          return `${page} px wide in a ${width} px viewport: ${wide.join(", ")}`;
        }"""
    )


def assert_accessible(page) -> None:
    """No WCAG 2.1 AA violation, nothing refused by the Content-Security-Policy and nothing wider
    than the viewport (no sideways scrolling of the page, at any width) on ``page``.

    Call it once the journey has waited for something of the new page (a heading, a message):
    a page still being left would be checked instead."""
    page.wait_for_load_state("load")
    problems = violations(page)
    assert not problems, f"{page.url}: {len(problems)} accessibility violations:\n  " + "\n  ".join(problems)
    wide = overflow(page)
    assert not wide, f"{page.url}: the page is wider than the screen: {wide}"
    refused = csp_violations(page)
    assert not refused, f"{page.url}: the Content-Security-Policy refused:\n  " + "\n  ".join(refused)
