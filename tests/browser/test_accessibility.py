"""WCAG 2.1 A/AA in the real browser: axe-core on every page type in both languages, and visible focus."""

import json
from pathlib import Path

import pytest

from .pages import both_languages

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

PAGE_CASES = [pytest.param(path, status, id=name) for name, path, status in both_languages()]


def describe(violations) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["nodes"]) for v in violations
    )


@pytest.mark.parametrize(("path", "status"), PAGE_CASES)
def test_no_wcag_21_aa_violations(axe_page, path, status):
    response = axe_page.goto(path)
    assert response.status == status
    result = axe_page.evaluate(RUN_AXE_JS, WCAG_TAGS)
    assert result["version"] == AXE_VERSION
    assert result["violations"] == [], describe(result["violations"])


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


@pytest.mark.parametrize(("path", "status"), PAGE_CASES)
def test_focus_is_always_visible(page, path, status):
    """Tab through the first 25 stops of every page: each focused element shows a ring and is on screen."""
    page.goto(path)
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
