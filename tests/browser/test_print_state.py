"""The Texas page prints as a short table (issue 23; it printed 42 pages, the first one all map): on paper
the map, the lists by status and the filters are hidden, and each county is a line or two of a table."""

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

LETTER = {"width": 816, "height": 1056}  # CSS pixels of a US Letter page


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


@pytest.mark.parametrize("path", ["/counties/tx/", "/es/counties/tx/"])
def test_the_texas_page_prints_as_a_short_table(page, site_server, path):
    page.goto(path)
    page.set_viewport_size(LETTER)
    page.emulate_media(media="print")
    assert not page.locator("#map").is_visible() and not page.locator("#map-list").is_visible()
    # the table starts on the first page, as a table (not the phone's stacked list)
    assert (
        page.evaluate("document.querySelector('#table-heading').getBoundingClientRect().top")
        < LETTER["height"]
    )
    assert page.evaluate("getComputedStyle(document.querySelector('table.county-table')).display") == "table"
    rows = page.locator("table.county-table > tbody > tr")
    assert rows.count() == 254
    pdf = page.pdf(format="Letter")
    assert pdf.startswith(b"%PDF")
    assert _pages(pdf) <= 12, "254 counties and the notes under them fit on twelve US Letter pages at most"
