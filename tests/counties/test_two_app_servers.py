"""Two app servers on one database, as behind a load balancer: an upload previewed on one is confirmed
on the other, and one cancelled on the other is gone from both (uploads wait in the database)."""

import http.cookiejar
import re
import urllib.parse
import urllib.request
import uuid

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django_otp.plugins.otp_totp.models import TOTPDevice

from counties.models import PendingUpload, Snapshot
from tests.config.test_second_factor import code_now
from tests.counties.workbooks import texas_counties, tf, workbook
from tests.servers import app_server, database_url

pytestmark = [pytest.mark.server, pytest.mark.usefixtures("committed")]

PASSWORD = "two-servers-password-42"


class Browser:
    """One editor's browser: its cookies go to both servers (same host, another port)."""

    def __init__(self):
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, url):
        with self.opener.open(url, timeout=30) as response:
            return response.geturl(), response.read().decode()

    def post(self, url, fields, files=None):
        if files:
            boundary = uuid.uuid4().hex
            body = b""
            for name, value in fields.items():
                body += f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
            for name, (filename, content) in files.items():
                body += (
                    (
                        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                        "Content-Type: application/octet-stream\r\n\r\n"
                    ).encode()
                    + content
                    + b"\r\n"
                )
            body += f"--{boundary}--\r\n".encode()
            content_type = f"multipart/form-data; boundary={boundary}"
        else:
            body = urllib.parse.urlencode(fields).encode()
            content_type = "application/x-www-form-urlencoded"
        request = urllib.request.Request(  # noqa: S310 - the test servers on localhost
            url, data=body, headers={"Content-Type": content_type, "Referer": url}
        )
        with self.opener.open(request, timeout=60) as response:
            return response.geturl(), response.read().decode()

    def form_token(self, url) -> str:
        _url, page = self.get(url)
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def test_preview_on_one_server_confirm_or_cancel_on_the_other(tmp_path):
    texas_counties()
    editor = User.objects.create_user("two-servers", password=PASSWORD, is_staff=True)
    editor.groups.add(Group.objects.get(name="Editor"))
    app = TOTPDevice.objects.create(user=editor, name="app", confirmed=True)
    db_url = database_url(connection.settings_dict)
    with (
        app_server(tmp_path / "a", database_url=db_url) as a,
        app_server(tmp_path / "b", database_url=db_url) as b,
    ):
        browser = Browser()
        login = f"{a.url}/admin/login/"
        landed, _page = browser.post(
            login,
            {
                "csrfmiddlewaretoken": browser.form_token(login),
                "username": "two-servers",
                "password": PASSWORD,
                "otp_token": code_now(app),
                "next": "/admin/",
            },
        )
        assert landed == f"{a.url}/admin/"
        assert browser.get(f"{b.url}/admin/")[0] == f"{b.url}/admin/"  # one login for both servers

        def preview(server, name):
            page_url = f"{server.url}/admin/counties/snapshot/upload/"
            content = workbook([tf(f"Agency {i} Police Department") for i in range(12)])
            _landed, page = browser.post(
                page_url,
                {"csrfmiddlewaretoken": browser.form_token(page_url)},
                files={"workbook": (name, content)},
            )
            assert "Nothing has been saved yet" in page, page[:3000]
            return re.search(r'name="token" value="([^"]+)"', page).group(1)

        def post_token(server, action, token):
            page_url = f"{server.url}/admin/counties/snapshot/upload/{action}/"
            form = f"{server.url}/admin/counties/snapshot/upload/"
            return browser.post(page_url, {"csrfmiddlewaretoken": browser.form_token(form), "token": token})

        # Preview on A, confirm on B.
        token = preview(a, "participating-2026-11-21.xlsx")
        landed, page = post_token(b, "confirm", token)
        assert landed == f"{b.url}/admin/counties/snapshot/"
        assert "Imported ICE&#x27;s list of 2026-11-21" in page
        assert Snapshot.objects.filter(as_of="2026-11-21").count() == 1
        assert not PendingUpload.objects.exists()

        # Preview on A, cancel on B: gone from both; A can no longer import it.
        token = preview(a, "participating-2026-11-22.xlsx")
        landed, page = post_token(b, "cancel", token)
        assert "Cancelled. Nothing was imported." in page
        assert not PendingUpload.objects.exists()
        landed, page = post_token(a, "confirm", token)
        assert "Nothing was imported: This preview is no longer waiting" in page
        assert not Snapshot.objects.filter(as_of="2026-11-22").exists()
    for server in (a, b):
        assert "Traceback" not in server.logs()
