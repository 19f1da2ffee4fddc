"""With the database away, pages answer 503 with a short bilingual page and Retry-After (not 500),
/healthz says 503, and the site recovers by itself when the database returns (config/unavailable.py)."""

import contextlib
import os
import threading
import time
import urllib.error
import urllib.request
from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError, connection
from django.test import RequestFactory

from config.unavailable import server_error
from tests.counties.factories import CountyFactory
from tests.servers import DatabaseProxy, app_server

pytestmark = pytest.mark.server

PAGES = ["/", "/es/", "/counties/?q=travis", "/counties/national/", "/counties/tx/"]
# Pages never rendered that need the database (a search that finds nothing needs only the index in memory).
NEW_PAGES = ["/counties/tx/dallas-county/", "/es/counties/tx/collin-county/", "/counties/tx/no-such-county/"]


def assert_unavailable(status, headers, body):
    assert status == 503
    assert int(headers["Retry-After"]) > 0
    assert "no-store" in headers["Cache-Control"] or "no-cache" in headers["Cache-Control"]
    assert "briefly unavailable" in body and "no está disponible" in body  # English and Spanish
    assert "Set-Cookie" not in headers


@pytest.mark.django_db
@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_pages_answer_503_while_the_database_cannot_be_reached(client, error):
    county = CountyFactory(name="Offline County")
    unreachable = error('connection to server on socket "/x/.s.PGSQL.5432" failed: No such file')
    with mock.patch.object(connection, "ensure_connection", side_effect=unreachable):
        for url in [*PAGES, county.get_absolute_url()]:
            response = client.get(url)
            assert_unavailable(response.status_code, response.headers, response.content.decode())
            assert response["Content-Security-Policy"], "still sent through the security middleware"
        health = client.get("/healthz")
        assert health.status_code == 503 and health.json()["database"] == "unreachable"
        assert int(health["Retry-After"]) > 0
    assert client.get(county.get_absolute_url()).status_code == 200  # and back, with no restart


def test_a_database_error_outside_a_view_is_a_503_too():
    """handler500 (errors raised by middleware, e.g. saving a session) gives the same page."""
    request = RequestFactory().get("/")
    try:
        raise OperationalError("server closed the connection unexpectedly")
    except OperationalError:
        response = server_error(request)
    assert_unavailable(response.status_code, response.headers, response.content.decode())
    try:
        raise ValueError("a bug")
    except ValueError:
        assert server_error(request).status_code == 500


def fetch(url, headers=None):
    try:
        request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 - localhost
        with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310 - localhost
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


@contextlib.contextmanager
def server_behind_a_proxy(django_db_blocker, tmp_path, threads):
    """gunicorn (one worker) on the test database through a TCP port the test can switch off or pause; every
    page of PAGES answered once, so kept. Yields (server, proxy); after the block, the server must still be
    running and must have logged no traceback."""
    with django_db_blocker.unblock():
        db = connection.settings_dict
        socket_path = os.path.join(db["HOST"], f".s.PGSQL.{db['PORT'] or 5432}")
        name = db["NAME"]
    proxy = DatabaseProxy(socket_path)
    proxy.start()
    url = f"postgres://{db['USER']}:@127.0.0.1:{proxy.port}/{name}"
    try:
        with app_server(tmp_path, database_url=url, workers=1, threads=threads) as server:
            for page in ["/healthz", *PAGES]:
                assert fetch(server.url + page)[0] == 200, page
            yield server, proxy
            assert server.process.poll() is None
        assert "Traceback" not in server.logs()
    finally:
        proxy.stop()


def test_a_real_server_answers_503_while_postgresql_is_away_and_recovers_by_itself(
    shipped, django_db_blocker, tmp_path
):
    """gunicorn on the test database through a TCP port the test switches off (connections refused and
    cut, as when PostgreSQL stops) and on again. The server is never restarted."""
    with server_behind_a_proxy(django_db_blocker, tmp_path, threads=2) as (server, proxy):
        proxy.stop()
        # Pages never rendered need the database; pages already kept are served from memory, also after
        # the second a process trusts the data version it last read.
        for page in NEW_PAGES:
            assert_unavailable(*fetch(server.url + page))
        time.sleep(1.2)
        for page in PAGES:
            assert fetch(server.url + page)[0] == 200, page
        status, _headers, body = fetch(server.url + "/healthz")
        assert status == 503 and "unreachable" in body
        proxy.start()
        assert fetch(server.url + "/healthz")[0] == 200
        for page in PAGES:
            assert fetch(server.url + page)[0] in (200, 404), page


def timed_fetch(url, headers=None):
    start = time.monotonic()
    status, headers, body = fetch(url, headers)
    return status, headers, body, time.monotonic() - start


def test_a_paused_database_never_stalls_a_kept_page(shipped, django_db_blocker, tmp_path):
    """PostgreSQL paused (SIGSTOP), not down: connections stay open and nothing answers (issue 24). Every
    request used to hang as long as the pause. Now kept pages come from memory at once, other pages and
    /healthz answer 503 within 5 seconds, and the site recovers by itself when the database answers again."""
    with server_behind_a_proxy(django_db_blocker, tmp_path, threads=6) as (server, proxy):
        time.sleep(1.5)  # the worker's version watcher has read the data version since it started
        proxy.pause()
        try:
            for _round in range(2):  # and again after the second a process once trusted the version
                for page in PAGES:
                    status, _h, _b, seconds = timed_fetch(server.url + page)
                    assert status == 200 and seconds < 1.0, (page, status, seconds)
                time.sleep(1.2)
            # Readers of pages that need the database wait at once, each on its own thread of the server,
            # with /healthz: each gets its 503 within 5 seconds, and a kept page is not held up meanwhile.
            answers = {}

            def ask(page):
                # The admin with a made-up session cookie: anyone's request, whose session lookup waited
                # as long as the pause (the admin's queries were never cut) and held a thread meanwhile.
                cookie = {"Cookie": "sessionid=made-up-by-anyone"} if page.startswith("/admin/") else None
                try:
                    answers[page] = timed_fetch(server.url + page, cookie)
                except Exception as error:  # noqa: BLE001 - said by the assertion below, in the test's thread
                    answers[page] = error

            waiting = [
                threading.Thread(target=ask, args=(page,), daemon=True)
                for page in [*NEW_PAGES, "/admin/", "/healthz"]
            ]
            for thread in waiting:
                thread.start()
            time.sleep(0.3)
            status, _h, _b, seconds = timed_fetch(server.url + PAGES[0])
            assert status == 200 and seconds < 1.0, ("kept page behind waiting readers", status, seconds)
            for thread in waiting:
                thread.join()
            assert not [answer for answer in answers.values() if isinstance(answer, Exception)], answers
            for page in [*NEW_PAGES, "/admin/"]:
                status, headers, body, seconds = answers[page]
                assert_unavailable(status, headers, body)
                assert seconds < 5.0, (page, seconds)
            status, _h, body, seconds = answers["/healthz"]
            assert status == 503 and "unreachable" in body and seconds < 5.0, (status, seconds)
        finally:
            proxy.resume()
        deadline = time.monotonic() + 15
        while fetch(server.url + "/healthz")[0] != 200:
            assert time.monotonic() < deadline, "the site did not recover by itself"
            time.sleep(0.5)
        for page in NEW_PAGES[:2]:
            assert fetch(server.url + page)[0] == 200, page
