"""Names in the editors' admin that say what things are (issue 27)."""

import pytest
from django.contrib.auth.models import User

from tests.editors import login_with_second_factor
from tests.pages import page_text

pytestmark = pytest.mark.django_db


def test_the_admin_home_uses_the_sites_names(client):
    boss = User.objects.create_superuser("boss", password="unused-in-tests-1234")
    text = page_text(login_with_second_factor(client, boss).get("/admin/"))  # what an editor reads
    assert "287(g) Explainer: editors" in text and "Django administration" not in text
    assert "Second factor: authenticator apps" in text and "Second factor: recovery codes" in text
    assert "otp_totp" not in text.lower() and "otp_static" not in text.lower()
    assert "ICE lists" in text and "Snapshot" not in text
    for url in ("/admin/counties/snapshot/", "/admin/counties/snapshot/upload/"):
        page = page_text(client.get(url))
        assert "ICE lists" in page and "Snapshot" not in page, url


def test_the_ice_lists_table_has_seven_short_columns(client):
    """Twelve columns did not fit beside the filters on a 1280 px screen (measured with Chromium: the table
    is 631 px in a 631 px box now; on a 390 px phone it scrolls inside its box, the page does not)."""
    import re

    from tests.counties.factories import SnapshotFactory

    SnapshotFactory()
    boss = User.objects.create_superuser("boss2", password="unused-in-tests-1234")
    html = login_with_second_factor(client, boss).get("/admin/counties/snapshot/").content.decode()
    head = html[html.index('id="result_list"') :]
    head = head[: head.index("</thead>")]
    assert len(re.findall(r'<th scope="col"', head)) == 7
