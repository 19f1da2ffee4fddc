"""What a reader does, in the real browser: search with and without JavaScript, the map, print, keyboard."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.keyboard import tab_to

# django_db: the session test database (with the shipped data) must exist for the site server to read.
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

DALLAS = "/counties/tx/dallas-county/"


def test_search_with_javascript_shows_results_live_and_keeps_the_address_in_step(page, site_server):
    page.goto("/")
    page.evaluate("window.__samePage = true")  # lost if the browser loads a new document
    page.locator("#q").press_sequentially("75201", delay=30)
    link = page.locator("#results a.result-link", has_text="Dallas County")
    link.wait_for()
    assert page.evaluate("window.__samePage === true"), "results came without reloading the page"
    page.wait_for_url(re.compile(r"/counties/\?(.*&)?q=75201"))
    link.click()
    page.wait_for_url(site_server.url + DALLAS)
    assert "Dallas County" in page.locator("h1").inner_text()


def test_a_live_search_fills_the_screen_readers_status_line_and_the_list_is_no_live_region(page):
    """htmx puts the fragment's status text into the page's one status line (role=status, read out by a
    screen reader when it changes); the results list, which a screen reader would read whole after every
    pause in typing, is not live."""
    page.goto("/")
    status = page.locator("#results-status")
    assert status.get_attribute("role") == "status" and status.inner_text() == ""
    page.locator("#q").press_sequentially("Plano", delay=30)
    page.locator("#results a.result-link").first.wait_for()
    shown = page.locator("#results > ol > li.result").count()
    expect(status).to_have_text(f"{shown} results for “Plano”.")
    assert page.locator("#results-status").count() == 1 and page.locator("#results [aria-live]").count() == 0
    assert page.locator("#results").get_attribute("aria-live") is None
    page.locator("#q").fill("")
    page.locator("#q").press_sequentially("1234", delay=30)
    expect(status).to_have_text("A ZIP code has 5 digits, for example 75201.")


def test_search_results_fragment_is_swapped_in_not_a_whole_page(page):
    page.goto("/")
    with page.expect_response(
        lambda r: "/counties/?" in r.url and r.request.headers.get("hx-request")
    ) as info:
        page.locator("#q").press_sequentially("Dallas", delay=30)
    response = info.value
    assert response.status == 200
    assert "<html" not in response.text()
    assert page.locator("html").count() == 1 and page.locator("#results h1").count() == 0


def test_search_without_javascript_submits_the_form_and_lists_results(page_without_js, site_server):
    page = page_without_js
    page.goto("/")
    page.locator("#q").fill("Dallas")
    with page.expect_navigation():
        page.locator("#search-submit").click()
    assert re.search(r"/counties/\?(.*&)?q=Dallas", page.url)
    link = page.locator("#results a.result-link", has_text="Dallas County").first
    with page.expect_navigation():
        link.click()
    assert page.url == site_server.url + DALLAS
    assert "Dallas County" in page.locator("h1").inner_text()


def test_search_without_javascript_goes_straight_to_a_single_county(page_without_js, site_server):
    page = page_without_js
    page.goto("/es/")
    page.locator("#q").fill("75201")
    with page.expect_navigation():
        page.locator("#q").press("Enter")
    assert page.url == site_server.url + "/es" + DALLAS
    assert page.locator("html").get_attribute("lang") == "es"


@pytest.mark.parametrize(
    ("start", "link", "expected"),
    [
        (DALLAS, "Español", "/es" + DALLAS),
        ("/es" + DALLAS, "English", DALLAS),
        ("/counties/?q=Dallas", "Español", "/es/counties/?q=Dallas"),
        ("/models/", "Español", "/es/models/"),
    ],
)
def test_language_switch_keeps_the_page(page, site_server, start, link, expected):
    page.goto(start)
    heading = page.locator("h1").inner_text()
    with page.expect_navigation():
        page.locator(".lang-switch").get_by_role("link", name=link, exact=True).click()
    assert page.url == site_server.url + expected
    assert page.locator("html").get_attribute("lang") == ("es" if expected.startswith("/es/") else "en")
    if "dallas-county" in expected:
        names = {"en": "Dallas County", "es": "Condado de Dallas"}
        before, after = ("es", "en") if start.startswith("/es/") else ("en", "es")
        assert names[before] in heading and names[after] in page.locator("h1").inner_text()


@pytest.mark.parametrize("start", ["/counties/tx/", "/"])
def test_a_county_on_the_map_opens_its_page(page, site_server, start):
    page.goto(start)
    county = page.locator('svg.map a[aria-label^="Dallas County"]')
    assert county.count() == 1
    with page.expect_navigation():
        county.click()
    assert page.url == site_server.url + DALLAS


def test_print_view_from_the_county_page(page, site_server):
    page.goto(DALLAS)
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile("Print a one-page flyer")).click()
    assert page.url == site_server.url + DALLAS + "print/"
    assert "Dallas County" in page.locator("h1").first.inner_text()
    page.emulate_media(media="print")
    assert page.locator("nav.screen-only").evaluate("el => getComputedStyle(el).display") == "none"
    assert page.locator(".qr-box svg").is_visible(), "the QR code prints"
    assert _printed_pages(page) == 1


def _printed_pages(page) -> int:
    pdf = page.pdf(format="Letter")
    assert pdf.startswith(b"%PDF")
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


# The longest flyers of the shipped data (most models, the county's own and statewide): Stone County,
# Mississippi, three models and six statewide agencies; Jim Wells County, Texas, in Spanish.
@pytest.mark.parametrize(
    "path", ["/counties/ms/stone-county/print/", "/es/counties/tx/jim-wells-county/print/"]
)
def test_the_longest_flyers_print_on_one_page(page, site_server, path):
    page.goto(path)
    page.emulate_media(media="print")
    assert page.locator(".for-you li").count() >= 2
    assert _printed_pages(page) == 1, "the flyer prints on one US Letter page"


def test_keyboard_only_search(page, site_server):
    """Skip link, then the search box, type a ZIP code, Tab to the result and open it: no mouse."""
    page.goto("/")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # skip link: focus moves to <main>
    tab_to(
        page,
        "document.activeElement.id === 'q'",
        5,
        "the search box is not among the first tab stops of the main content",
    )
    page.wait_for_function("() => window.htmx !== undefined")  # live search ready before the keys
    page.keyboard.type("75201", delay=30)
    page.locator("#results a.result-link").first.wait_for(timeout=30_000)
    tab_to(
        page,
        "document.activeElement.classList.contains('result-link')",
        10,
        "the search result cannot be reached with Tab",
    )
    style = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert style != "none", "the focused result shows a focus ring"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == site_server.url + DALLAS


def test_a_report_sent_empty_comes_back_with_its_errors_focused_and_named_in_the_title(page):
    """A screen reader starts where the problem is told (WCAG 3.3.1): the page's title says "Error:" and the
    error summary has the focus, without a script."""
    page.goto("/counties/tx/dallas-county/correction/")
    assert not page.title().startswith("Error:")
    with page.expect_navigation():
        page.get_by_role("button", name="Send the report").click()
    assert page.title().startswith("Error: Report a correction: Dallas County")
    page.wait_for_function("() => document.activeElement.classList.contains('error-summary')")
    assert "Please tell us what is wrong." in page.locator("#id_what_is_wrong_error").inner_text()
