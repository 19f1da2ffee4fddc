"""A phone, 390 px wide, in English and Spanish (issue 16): nothing scrolls sideways, every county of the
map has a tap target of at least 24x24 px, the embed card fits the iframe the county page suggests at
280-600 px, and a browser that prefers Spanish is offered the Spanish page.

`UPDATE_SCREENSHOTS=1` also writes a screenshot of each page type at 390 px to docs/screenshots/ (the
top of the page, as a phone shows it first; PNG reduced to a palette to keep them small).
"""

import html
import http.server
import io
import os
import re
import threading
from pathlib import Path

import pytest

from .conftest import BASE_DIR, PHONE
from .pages import spanish

# django_db: the session test database (with the shipped data) must exist for the site server to read.
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

SCREENSHOTS = BASE_DIR / "docs" / "screenshots"
EMBED_HEIGHT = 440  # the iframe height the county page suggests (the embed test reads it from the page)

# One page of each type a reader meets on a phone.
PHONE_PAGES = [
    ("home", "/"),
    ("search-results", "/counties/?q=dallas"),
    ("county", "/counties/tx/dallas-county/"),
    ("state-texas", "/counties/tx/"),
    ("state-texas-sb8-filter", "/counties/tx/?sb8=no-agreement#counties"),  # the list, not the map again
    ("national", "/counties/national/"),
    ("explainer", "/models/"),
    ("rights", "/your-rights/"),
    ("if-held", "/if-held/"),
    ("flyer", "/counties/tx/dallas-county/print/"),
    ("embed", "/embed/counties/tx/dallas-county/"),
]
PHONE_CASES = [
    pytest.param(path if lang == "en" else spanish(path), id=f"{name}-{lang}")
    for name, path in PHONE_PAGES
    for lang in ("en", "es")
]


WIDER_THAN_SCREEN_JS = """() => {
  const root = document.documentElement;
  const wide = [...document.querySelectorAll('body *')].filter((el) => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.right > root.clientWidth + 1 && getComputedStyle(el).position !== 'fixed'
      && !el.closest('.table-scroll, .details');  // those scroll inside themselves, with a cue
  });
  return {scroll: root.scrollWidth, client: root.clientWidth,
          wide: wide.slice(0, 5).map((el) => el.outerHTML.slice(0, 100))};
}"""


@pytest.mark.parametrize("path", PHONE_CASES)
def test_no_page_scrolls_sideways_on_a_phone(phone, path, request):
    response = phone.goto(path)
    assert response.status == 200
    result = phone.evaluate(WIDER_THAN_SCREEN_JS)
    assert result["scroll"] <= result["client"], f"the page scrolls sideways: {result}"
    assert not result["wide"], f"wider than the screen: {result['wide']}"
    if os.environ.get("UPDATE_SCREENSHOTS"):
        if "/embed/" in path:  # the card as another site frames it: the box the county page suggests
            phone.set_viewport_size({"width": PHONE["width"], "height": EMBED_HEIGHT})
        save_screenshot(phone, request.node.callspec.id)


def save_screenshot(page, name: str, size: str = "390") -> None:
    from PIL import Image

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    image = Image.open(io.BytesIO(page.screenshot(full_page=False)))
    image.convert("RGB").quantize(colors=64).save(SCREENSHOTS / f"{name}-{size}.png", optimize=True)


# --- the map by touch --------------------------------------------------------------------------------

MAP_TARGETS_JS = """() => {
  const shapes = [...document.querySelectorAll('svg a[href]')].map((a) => a.getAttribute('href'));
  const links = [...document.querySelectorAll('.county-links a[href]')].map((a) => {
    const box = a.getBoundingClientRect();
    return {href: a.getAttribute('href'), name: a.textContent.trim(), width: box.width, height: box.height,
            right: box.right, size: parseFloat(getComputedStyle(a).fontSize)};
  });
  return {shapes, links, screen: document.documentElement.clientWidth};
}"""


@pytest.mark.parametrize(
    ("path", "group"),
    [
        ("/counties/tx/", "Sheriff has an agreement"),
        ("/es/counties/tx/", "El alguacil tiene un acuerdo"),
        ("/", "Sheriff has an agreement"),
        ("/es/", "El alguacil tiene un acuerdo"),
    ],
)
def test_every_county_of_the_map_has_a_tap_target_of_24_px_with_its_name(phone, path, group):
    """The map's shapes are smaller than a finger; under it, every county is a named link in a list per
    status (plain <details>, so it works without JavaScript too), each at least 24x24 px on the screen."""
    phone.goto(path)
    summaries = phone.locator("details.map-group > summary")
    assert summaries.count() >= 3
    assert phone.locator("details.map-group > summary", has_text=group).count() == 1
    for index in range(summaries.count()):
        summary = summaries.nth(index)
        box = summary.bounding_box()
        assert box["height"] >= 24 and box["width"] >= 24, summary.inner_text()
        summary.tap()
    found = phone.evaluate(MAP_TARGETS_JS)
    assert len(found["shapes"]) == 254
    targets = {link["href"]: link for link in found["links"]}
    assert set(found["shapes"]) <= set(targets), "a county of the map has no link in the lists"
    for link in found["links"]:
        assert link["width"] >= 24 and link["height"] >= 24, f"tap target too small: {link}"
        assert link["right"] <= found["screen"], f"off the screen: {link}"
        assert link["name"] and link["size"] >= 14, f"name missing or too small: {link}"


# --- the embed card in the iframe the county page suggests ------------------------------------------

# Long cards of the shipped data: a sheriff without an agreement and four statewide Task Force agencies
# listed by name (Dallas, Harris), a Mississippi county whose sheriff holds two models (Stone).
LONG_CARDS = ["/counties/tx/dallas-county/", "/counties/tx/harris-county/", "/counties/ms/stone-county/"]
HOST_WIDTHS = [280, 300, 320, 360, 390, 430, 480, 540, 600]

CARD_FIT_JS = """() => {
  const root = document.documentElement;
  const box = (selector) => document.querySelector(selector).getBoundingClientRect();
  const details = document.querySelector('.details');
  const inside = (selector) => {
    const b = box(selector);
    return b.height > 0 && b.top >= 0 && b.left >= 0 && b.bottom <= innerHeight + 0.5 && b.right <= innerWidth + 0.5;
  };
  return {
    frame: [innerWidth, innerHeight], scrollHeight: root.scrollHeight, scrollWidth: root.scrollWidth,
    heading: inside('h1'), headline: inside('.headline'), link: inside('.more a'), by: inside('.by'),
    details: box('.details').height, detailsScroll: details.scrollHeight,
    scrolls: getComputedStyle(details).overflowY === 'auto',
  };
}"""


def suggested_iframe(page, county_path: str) -> str:
    """The <iframe> code the county page offers to copy, as it reads in the textarea."""
    page.goto(county_path)
    return page.locator("#embed-code").input_value()


class HostSite:
    """Another site, on another origin (a port of its own on localhost), serving one page: the code pasted
    as it is, with no script, no stylesheet and no policy of ours."""

    def __init__(self):
        self.body = b""
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - the name http.server calls
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(site.body)))
                self.end_headers()
                self.wfile.write(site.body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://localhost:{self.server.server_address[1]}/"
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    def open(self, page, snippet: str) -> None:
        self.body = (
            '<!doctype html><html><head><meta name="viewport" content="width=device-width"></head>'
            f'<body style="margin:0">{snippet}</body></html>'
        ).encode()
        page.goto(self.url)


@pytest.fixture(scope="module")
def host_site():
    site = HostSite()
    yield site
    site.server.shutdown()
    site.server.server_close()


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("county", LONG_CARDS)
def test_the_embed_card_fits_the_suggested_iframe_from_280_to_600_px(
    page, site_server, host_site, county, lang
):
    code = suggested_iframe(page, county if lang == "en" else spanish(county))
    assert re.fullmatch(
        r'<iframe src="[^"]+" title="[^"]+" width="100%" height="\d+" style="[^"]*" loading="lazy"></iframe>',
        code,
    ), code
    height = int(re.search(r'height="(\d+)"', code).group(1))
    assert height == EMBED_HEIGHT
    src = html.unescape(re.search(r'src="([^"]+)"', code).group(1))
    assert src.startswith(site_server.url + ("/es" if lang == "es" else "") + "/embed/counties/")
    # Another site's page: the code pasted as it is, and no script of the host's.
    older = (code.replace(f'height="{height}"', f'height="{old}"') for old in (400, 320))
    for snippet in (code, *older):  # also the heights suggested before, in pages that pasted them
        frame_height = int(re.search(r'height="(\d+)"', snippet).group(1))
        host_site.open(page, snippet)
        for width in HOST_WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            frame = page.frame_locator("iframe").first
            frame.locator(".by").wait_for()
            card = next(f for f in page.frames if f.url == src)
            card.wait_for_load_state("load")  # its stylesheet applied
            # The frame lays out again after the host's viewport changes: wait for its new width.
            card.wait_for_function("w => window.innerWidth === w", arg=min(width, 512))
            fit = card.evaluate(CARD_FIT_JS)
            where = f"{src} at {width} px, iframe height {frame_height}: {fit}"
            assert fit["frame"] == [min(width, 512), frame_height], where
            assert fit["scrollHeight"] <= frame_height and fit["scrollWidth"] <= fit["frame"][0], where
            assert fit["heading"] and fit["headline"] and fit["link"] and fit["by"], where
            # The details between them: all shown, or a scrolling part of at least two lines.
            assert fit["detailsScroll"] <= fit["details"] + 1 or (fit["scrolls"] and fit["details"] >= 40), (
                where
            )


def test_a_short_card_needs_no_scrolling_in_the_suggested_iframe(page, host_site):
    """Where the card says little (a county with no agreement anywhere), the details show whole."""
    code = suggested_iframe(page, "/counties/ca/alpine-county/")
    host_site.open(page, code)
    for width in (390, 600):
        page.set_viewport_size({"width": width, "height": 900})
        page.frame_locator("iframe").first.locator(".by").wait_for()
        card = next(f for f in page.frames if "/embed/" in f.url)
        card.wait_for_load_state("load")  # its stylesheet applied (the check of .by does not wait for it)
        card.wait_for_function("w => window.innerWidth === w", arg=min(width, 512))  # the snippet's 32rem
        fit = card.evaluate(CARD_FIT_JS)
        assert fit["link"] and fit["by"] and fit["detailsScroll"] <= fit["details"] + 1, fit


# --- "Ver en español" --------------------------------------------------------------------------------


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_phone_set_to_spanish_is_offered_the_spanish_page(windows, site_server, javascript):
    page = windows.take(javascript=javascript, viewport=PHONE, locale="es-MX", has_touch=True)
    for path in ("/", "/counties/tx/dallas-county/", "/counties/tx/", "/your-rights/"):
        response = page.goto(path)
        assert response.status == 200 and response.url == site_server.url + path  # no redirect
        assert "Accept-Language" in response.headers["vary"]
        notice = page.locator(".lang-notice")
        assert notice.is_visible(), path
        assert notice.get_attribute("lang") == "es"
        link = notice.get_by_role("link", name="Ver en español")
        assert link.get_attribute("href") == spanish(path)
        box = link.bounding_box()
        assert box["height"] >= 24 and box["x"] + box["width"] <= PHONE["width"], box
    if os.environ.get("UPDATE_SCREENSHOTS") and javascript:
        save_screenshot(page, "notice-rights-en")
    with page.expect_navigation():
        page.locator(".lang-notice a").click()
    assert page.url == site_server.url + spanish("/your-rights/")
    assert page.locator(".lang-notice").count() == 0  # the Spanish page has none
    assert page.context.cookies() == []


def test_a_phone_set_to_english_sees_no_notice(phone):
    phone.goto("/")
    assert phone.locator(".lang-notice").count() == 0


def test_screenshots_are_small_pngs():
    """What UPDATE_SCREENSHOTS wrote, when it was run: one per page type and language, each small."""
    shots = sorted(Path(SCREENSHOTS).glob("*-390.png"))
    if not shots:
        pytest.skip("no screenshots yet (UPDATE_SCREENSHOTS=1)")
    names = {shot.name.removesuffix("-390.png") for shot in shots}
    assert {case.id for case in PHONE_CASES} <= names
    for shot in shots:
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size < 120_000, shot.name


# --- the smallest phones: 320 px ----------------------------------------------------------------------

SMALL_PHONE = {"width": 320, "height": 640}


@pytest.mark.parametrize("path", ["/data/", "/es/data/", "/counties/tx/dallas-county/", "/es/counties/tx/"])
def test_no_page_scrolls_sideways_at_320_px(windows, path):
    """The open-data page at 320 px too (issue 23): its column tables scroll inside themselves, the page does
    not."""
    page = windows.take(viewport=SMALL_PHONE, has_touch=True, is_mobile=True)
    assert page.goto(path).status == 200
    result = page.evaluate(WIDER_THAN_SCREEN_JS)
    assert result["scroll"] <= result["client"], f"the page scrolls sideways: {result}"
    assert not result["wide"], f"wider than the screen: {result['wide']}"
