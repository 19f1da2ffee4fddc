"""Keyboard-only use and the language switch, in the real browser."""

import re

import pytest

from tests.browser.keyboard import tab_to

# django_db: the session test database (with the shipped data) must exist for the site server to read.
pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_the_content(page):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert skip.evaluate("el => el === document.activeElement")
    box = skip.bounding_box()
    assert box is not None and box["y"] >= 0, "the focused skip link is shown on screen"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"#main$"))  # the browser reports the same-page navigation just after
    assert page.evaluate("document.activeElement.id") == "main"
    # The next Tab continues from the main content onwards, never back in the header.
    page.keyboard.press("Tab")
    assert page.evaluate(AFTER_MAIN_JS), page.evaluate("document.activeElement.outerHTML")


AFTER_MAIN_JS = """() => {
  // The element Tab should reach next: the first tab stop from the main content onwards, or, when there
  // is none, the first of the page (the browser wraps round). Never one in the header before main.
  const main = document.getElementById('main');
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, '
    + '[tabindex]:not([tabindex="-1"])';
  const stops = [...document.querySelectorAll(selector)].filter((el) => el.getClientRects().length);
  const following = (el) => main.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING;
  const after = stops.find((el) => main.contains(el) || following(el));
  return document.activeElement === (after || stops[0]);
}"""


def test_main_navigation_works_with_the_keyboard_alone(page):
    page.goto("/")
    tab_to(
        page,
        "document.activeElement.textContent.trim() === 'Texas counties'",
        10,
        "the 'Texas counties' link cannot be reached with Tab",
    )
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/counties/tx/")


@pytest.mark.parametrize(("start", "link", "expected"), [("/", "Español", "/es/"), ("/es/", "English", "/")])
def test_language_switch_keeps_the_page(page, site_server, start, link, expected):
    page.goto(start)
    with page.expect_navigation():
        page.get_by_role("link", name=link, exact=True).click()
    assert page.url == site_server.url + expected
    assert page.locator("html").get_attribute("lang") == ("es" if expected.startswith("/es/") else "en")


def test_admin_login_works_under_the_content_security_policy(page):
    """The editors' admin is served under the same strict CSP: the login page renders, styled, unbroken."""
    response = page.goto("/admin/login/")
    assert response.status == 200
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert page.get_by_label(re.compile("Username")).is_visible()
    # Django's admin stylesheet applied (not blocked): the login box is laid out by base.css/login.css.
    assert page.locator("#header").evaluate("el => getComputedStyle(el).display") != "inline"


FOCUSED_COUNTY_JS = """() => {
  const shape = document.activeElement.querySelector('.m');
  const style = getComputedStyle(shape);
  return {fill: style.fill, stroke: style.stroke, width: style.strokeWidth};
}"""


def test_a_county_of_the_map_focused_with_the_keyboard_stands_out_whatever_its_colour(page):
    """A black outline alone was 2.5-2.7:1 against the red and blue counties, and the counties drawn after
    it cover its outer half (WCAG 1.4.11, 2.4.7): the focused county is filled yellow (GOV.UK's focus
    colour: 5.5:1 against the red, 5.9:1 against the blue, 15:1 against its black outline)."""
    page.goto("/counties/tx/")
    tab_to(page, "!!document.activeElement.closest('.map')", 40, "no county of the map takes the focus")
    assert page.evaluate(FOCUSED_COUNTY_JS) == {
        "fill": "rgb(255, 221, 0)",
        "stroke": "rgb(0, 0, 0)",
        "width": "3px",
    }
    page.keyboard.press("Tab")  # the next county, whatever its status
    assert page.evaluate(FOCUSED_COUNTY_JS)["fill"] == "rgb(255, 221, 0)"
    # A county only pointed at keeps its own colours (the fill marks the keyboard's place alone).
    page.mouse.move(0, 0)
    page.locator(".map a").nth(10).hover()
    hovered = page.locator(".map a").nth(10).locator(".m").evaluate("el => getComputedStyle(el).fill")
    assert hovered.startswith("url(")
