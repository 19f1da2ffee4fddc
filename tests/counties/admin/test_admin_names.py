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
