"""Page weight on a cheap phone's connection (issue 16): the home page under 30 KB and the Texas page (map,
lists by status and table of 254 counties) under 40 KB, as served compressed, in both languages and with the
"Ver en español" notice. `make bench` reports the same figures from the production server."""

import gzip

import pytest

pytestmark = pytest.mark.django_db

BUDGETS = {"/": 30 * 1024, "/counties/tx/": 40 * 1024}


@pytest.mark.parametrize("accept_language", ["en-US,en;q=0.9", "es-MX,es;q=0.9"])
@pytest.mark.parametrize("prefix", ["", "/es"])
@pytest.mark.parametrize("path", list(BUDGETS))
def test_pages_stay_in_their_weight_budget(client, shipped, path, prefix, accept_language):
    response = client.get(
        prefix + path, HTTP_ACCEPT_ENCODING="gzip, deflate, br", HTTP_ACCEPT_LANGUAGE=accept_language
    )
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    html = gzip.decompress(response.content).decode()
    assert "</html>" in html and ("fips-48113" in html) == (path == "/counties/tx/")  # the whole page
    weight = len(response.content)
    assert weight < BUDGETS[path], f"{prefix}{path}: {weight / 1024:.1f} KB compressed"
