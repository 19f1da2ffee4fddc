"""Server-drawn SVG maps: TopoJSON decoding, a link per county with a name, colour plus pattern, sizes."""

import gzip
import re

import pytest

from counties.geo import state_shapes
from counties.models import County
from counties.status import MapCategory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shipped")]


def test_every_texas_county_has_a_closed_shape_inside_the_viewbox():
    shapes = state_shapes("48")
    assert len(shapes.counties) == 254
    x, y, width, height = map(float, shapes.view_box.split())
    for path in shapes.counties.values():
        assert path.startswith("M") and path.endswith("Z")
        numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", path)]
        xs, ys = numbers[0::2], numbers[1::2]
        assert x <= min(xs) and max(xs) <= x + width
        assert y <= min(ys) and max(ys) <= y + height


def test_every_state_has_shapes():
    fips = set(County.objects.values_list("state__fips", flat=True))
    assert all(state_shapes(f) is not None for f in fips)


def test_state_page_map_links_every_county_with_a_name_and_a_pattern(client):
    response = client.get("/counties/tx/")
    html = response.content.decode()
    links = re.findall(r'<a href="(/counties/tx/[^"]+/)" aria-label="([^"]+)"><path class="m m-(\w+)"', html)
    assert len(links) == 254
    assert any(
        url == "/counties/tx/dallas-county/" and label.startswith("Dallas County: ")
        for url, label, _c in links
    )
    categories = {category for _u, _l, category in links}
    for category in categories:
        assert f'id="pat-{category}"' in html  # each status has its own pattern, not only a colour
    assert 'class="legend"' in html
    assert 'href="#counties"' in html  # skip the map, to its accessible twin
    assert 'id="counties"' in html


@pytest.mark.parametrize("path", ["/counties/tx/", "/", "/es/"])
def test_under_the_map_every_county_is_listed_by_status_with_its_name(client, path):
    """On a phone most counties are too small to tap on the map: each is in a list grouped by status."""
    response = client.get(path)
    html = response.content.decode()
    map_link = r'<a href="(/(?:es/)?counties/tx/[^"]+/)" aria-label="[^"]+"><path class="m m-(\w+)"'
    on_map = dict(re.findall(map_link, html))
    assert len(on_map) == 254
    listed = html.split('<div class="map-list" id="map-list">')[1].split("</div>")[0]
    groups = re.findall(
        r'<summary><span class="swatch swatch-(\w+)" aria-hidden="true"></span>[^<]+\((\d+)\)</summary>\s*'
        r'<ul class="county-links">(.*?)</ul>',
        listed,
        flags=re.S,
    )
    assert groups, "no group of counties under the map"
    seen = {}
    for category, count, links in groups:
        name = r"Condado de [^<]+" if path.startswith("/es/") else r"[^<]+ County"  # the name as text says it
        found = re.findall(rf'<li><a href="([^"]+)">({name})</a></li>', links)
        assert len(found) == int(count)
        assert [name for _url, name in found] == sorted(name for _url, name in found)
        seen.update((url, category) for url, _name in found)
    assert seen == on_map  # every county once, in the group of its colour on the map
    assert [c for c, _n, _l in groups] == [c for c in MapCategory.ALL if c in set(on_map.values())]


def test_other_states_get_their_map(client):
    html = client.get("/counties/ca/").content.decode()
    assert html.count('<path class="m m-') == County.objects.filter(state__code="CA").count()


def test_county_page_has_a_small_locator_not_the_state_map_and_stays_light(client):
    response = client.get("/counties/tx/dallas-county/")
    html = response.content.decode()
    assert 'class="locator"' in html
    assert '<path class="m m-' not in html
    assert len(gzip.compress(response.content)) < 30_000


def test_home_leads_with_the_search_box_then_the_texas_map(client):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index('id="county-search"') < html.index('class="county-map"')
    assert html.count('<path class="m m-') == 254
    assert '<p id="results-status" class="visually-hidden" role="status"></p>' in html  # live search's status
    assert response.cookies == {}


def test_home_is_a_fixed_handful_of_queries_and_cacheable(client, django_assert_max_num_queries):
    # 11 for the page, 1 for the data version that keys the rendered-page cache (counties/pagecache.py)
    with django_assert_max_num_queries(14):
        response = client.get("/")
    assert "public" in response["Cache-Control"]
