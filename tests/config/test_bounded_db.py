"""How long an admin request's queries may wait (config/bounded_db.py): as a reader's until the editor is
known, without a bound after (an import's queries may run long). The paused-database test
(test_database_down.py) shows what the bound is for."""

import pytest
from django.contrib.admin.sites import AdminSite
from django.contrib.auth.models import Group, User

from config.bounded_db import READER_SECONDS, current_bound
from tests.editors import login_with_second_factor

pytestmark = pytest.mark.django_db


@pytest.fixture
def bounds(monkeypatch):
    """The bound on queries while the admin builds each page's context (its login page and its index)."""
    seen = []
    each_context = AdminSite.each_context

    def recording(site, request):
        seen.append(current_bound())
        return each_context(site, request)

    monkeypatch.setattr(AdminSite, "each_context", recording)
    return seen


def test_anyones_admin_request_waits_on_the_database_as_a_readers_does(client, bounds):
    client.cookies["sessionid"] = "made-up-by-anyone"
    assert client.get("/admin/login/").status_code == 200
    assert bounds == [READER_SECONDS]


def test_a_signed_in_editor_without_the_second_factor_is_not_known_yet(client, bounds):
    user = User.objects.create_user("half-in", password="the-right-password-42", is_staff=True)
    client.force_login(user)
    client.get("/admin/login/")
    assert bounds and set(bounds) == {READER_SECONDS}


def test_an_editor_with_the_second_factor_may_run_long_queries(client, bounds):
    editor = User.objects.create_user("editor-long", password="unused-in-tests-1234", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editor"))
    login_with_second_factor(client, editor)
    bounds.clear()
    assert client.get("/admin/").status_code == 200
    assert bounds == [None]
