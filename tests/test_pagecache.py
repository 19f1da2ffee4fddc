"""Rendered public pages are kept per process, keyed on the data behind them (counties/pagecache.py)."""

import pytest

from counties import pagecache
from counties.models import County

pytestmark = pytest.mark.django_db


def test_home_page_is_rendered_once_per_data_version(client, django_assert_num_queries):
    first = client.get("/")
    assert first.status_code == 200
    with django_assert_num_queries(1):  # only the data version
        again = client.get("/")
    assert again.content == first.content


def test_an_editor_change_makes_a_new_version_and_a_fresh_page(client):
    before = pagecache.data_version()
    client.get("/counties/tx/loving-county/")
    county = County.objects.get(fips="48301")
    county.jail_status_note = "Checked by a test editor."
    county._change_reason = "test"
    county.save()  # django-simple-history records it
    assert pagecache.data_version() != before
    assert "Checked by a test editor." in client.get("/counties/tx/loving-county/").content.decode()


def test_search_fragment_and_full_page_are_kept_apart(client):
    full = client.get("/counties/?q=75201")
    fragment = client.get("/counties/?q=75201", HTTP_HX_REQUEST="true")
    assert b"<html" in full.content and b"<html" not in fragment.content


def test_pages_that_set_cookies_are_not_kept(client):
    client.get("/counties/tx/loving-county/correction/")
    response = client.get("/counties/tx/loving-county/correction/")
    assert "csrftoken" in response.cookies or "csrfmiddlewaretoken" in response.content.decode()
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
