"""Every page type in both languages, in one visit each (a visit costs a window and a navigation, so one
visit checks all of this):

- privacy: no request leaves the site, and no cookie is set except the CSRF cookie of a form page;
- WCAG 2.1 A/AA in the real browser (axe-core);
- the keyboard: each of the first 25 Tab stops shows a visible focus and is on screen;
- and, as for every browser test (conftest.py), no Content-Security-Policy violation and no script error.

The access log's privacy is in test_privacy.py.
"""

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from .pages import FORM_PAGES, both_languages

# django_db: the session test database (with the shipped data) must exist for the site server to read.
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_VERSION = json.loads((Path(__file__).parent / "vendor" / "axe-core.json").read_text())["version"]

RUN_AXE_JS = """async (tags) => {
  const options = {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']};
  const results = await axe.run(document, options);
  return {version: axe.version, violations: results.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')}: ${n.failureSummary}`),
  }))};
}"""

FOCUS_INDICATOR_JS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
  const ring = style.boxShadow && style.boxShadow !== 'none';
  const box = el.getBoundingClientRect();
  return {what: el.outerHTML.slice(0, 80), visible: outline || ring, onScreen: box.width > 0 && box.height > 0
          && box.bottom > 0 && box.right > 0 && box.top < innerHeight + scrollY && box.left < innerWidth};
}"""

PAGE_CASES = [pytest.param(path, status, id=name) for name, path, status in both_languages()]


def describe(violations) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["nodes"]) for v in violations
    )


def assert_private(page, site_server, path):
    """Everything the page asked for came from the site itself; no cookie but a form's CSRF cookie.

    Checked last, after axe and the Tab walk: a request the page makes after it loaded (a script's fetch,
    a focus that loads something) has had a second or more to be asked for, which is the time Playwright's
    "network idle" would have waited for nothing."""
    own_origin = urlsplit(site_server.url)
    assert len(page.watcher.requests) > 1, "the page, its CSS and its JS are all requested"
    for url in page.watcher.requests:
        parts = urlsplit(url)
        if parts.scheme == "data":
            continue
        assert (parts.scheme, parts.netloc) == (own_origin.scheme, own_origin.netloc), (
            f"third-party request: {url}"
        )
    cookies = page.context.cookies()
    if path.removeprefix("/es") in FORM_PAGES:
        assert [(c["name"], c["httpOnly"], c["sameSite"]) for c in cookies] == [("csrftoken", True, "Lax")]
    else:
        assert cookies == []


def assert_accessible(page):
    result = page.evaluate(RUN_AXE_JS, WCAG_TAGS)
    assert result["version"] == AXE_VERSION
    assert result["violations"] == [], describe(result["violations"])


def assert_focus_always_visible(page):
    """Tab through the first 25 stops: each focused element shows a ring and is on screen."""
    seen = []
    for _ in range(25):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS_INDICATOR_JS)
        if focus is None or focus["what"] in seen:  # wrapped around to the start
            break
        seen.append(focus["what"])
        assert focus["visible"], f"no visible focus indicator on {focus['what']}"
        assert focus["onScreen"], f"focused element is off screen: {focus['what']}"
    assert seen, "nothing on the page can be reached with the Tab key"


@pytest.mark.parametrize(("path", "status"), PAGE_CASES)
def test_every_page_is_private_accessible_and_keyboard_usable(axe_page, site_server, path, status):
    response = axe_page.goto(path)
    assert response.status == status
    assert_accessible(axe_page)
    assert_focus_always_visible(axe_page)
    assert_private(axe_page, site_server, path)
