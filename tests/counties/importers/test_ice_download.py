"""import_ice_287g --url against a local HTTP server (never the internet)."""

import functools
import http.server
import io
import os
import threading
from datetime import UTC, date, datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from counties.importers.discover import discover
from counties.models import Agreement, Snapshot
from tests.counties.workbooks import tf, workbook

pytestmark = pytest.mark.django_db

ICE_PAGE = """<html><body><h1>287(g)</h1>
<a href="/doclib/287gMOA/x.pdf">an agreement</a>
<a href="/doclib/about/offices/ero/287g/participatingAgencies05012026am.xlsx">older list</a>
<a href="doclib/about/offices/ero/287g/participatingAgencies05182026am.xlsx">Participating agencies</a>
</body></html>"""


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def site(tmp_path):
    """A directory served over http on 127.0.0.1: (directory, base URL)."""
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(tmp_path))
    )
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield tmp_path, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def publish(directory, name, data):
    path = directory / "doclib/about/offices/ero/287g" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_url_of_ice_page_finds_and_imports_the_newest_workbook(site, texas):
    directory, base = site
    publish(directory, "participatingAgencies05012026am.xlsx", workbook([tf("Older Police Department")]))
    publish(directory, "participatingAgencies05182026am.xlsx", workbook([tf("Newer Police Department")]))
    (directory / "287g.html").write_text(ICE_PAGE)
    out = io.StringIO()
    call_command("import_ice_287g", "--url", f"{base}/287g.html", stdout=out)
    snapshot = Snapshot.objects.get(as_of=date(2026, 5, 18))
    assert snapshot.filename == "participatingAgencies05182026am.xlsx"
    assert snapshot.source_url == f"{base}/doclib/about/offices/ero/287g/participatingAgencies05182026am.xlsx"
    assert Agreement.objects.get().agency.name == "Newer Police Department"
    assert "rows read: 1" in out.getvalue()


def test_url_of_a_workbook_with_dry_run(site):
    directory, base = site
    publish(directory, "participatingAgencies06012026pm.xlsx", workbook([tf("Testville Police Department")]))
    out = io.StringIO()
    url = f"{base}/doclib/about/offices/ero/287g/participatingAgencies06012026pm.xlsx"
    call_command("import_ice_287g", "--url", url, "--dry-run", stdout=out)
    assert "ICE list of 2026-06-01" in out.getvalue() and "dry run" in out.getvalue()
    assert not Snapshot.objects.filter(as_of=date(2026, 6, 1)).exists()


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/missing.xlsx", "answered 404"),
        ("/empty.html", "No list of ICE's"),
        ("/notes.txt", "not an Excel workbook"),
    ],
)
def test_url_errors_are_clear(site, path, message):
    directory, base = site
    (directory / "empty.html").write_text("<html><body><a href='/a.pdf'>pdf</a></body></html>")
    (directory / "notes.txt").write_text("participating agencies")
    with pytest.raises(CommandError, match=message):
        call_command("import_ice_287g", "--url", base + path, "--as-of", "2026-07-01")


def test_only_http_urls_and_not_both_a_file_and_a_url():
    with pytest.raises(CommandError, match="Only http and https"):
        call_command("import_ice_287g", "--url", "file:///etc/passwd", "--as-of", "2026-07-01")
    with pytest.raises(CommandError, match="either a FILE or --url"):
        call_command("import_ice_287g", "x.xlsx", "--url", "http://127.0.0.1:9/x.xlsx")


def test_newest_link_without_dates_in_names_or_on_the_server_is_the_last_one(site, texas):
    """Two links to participating lists whose names carry no date: each is dated by the server's
    Last-Modified (the same day), and the later link on the page wins the tie."""
    directory, base = site
    # SimpleHTTPRequestHandler sends each file's mtime as Last-Modified: a fixed day before `today` (a file
    # written today was "after today" from midnight in Texas on, and its date was rightly refused).
    noon = datetime(2026, 12, 1, 18, tzinfo=UTC).timestamp()
    for name, agency in (("participating-a.xlsx", "Alpha"), ("participating-b.xlsx", "Bravo")):
        path = publish(directory, name, workbook([tf(f"{agency} Police Department")]))
        os.utime(path, (noon, noon))
    (directory / "page.html").write_text(
        '<a href="/doclib/about/offices/ero/287g/participating-a.xlsx">a</a>'
        '<a href="/doclib/about/offices/ero/287g/participating-b.xlsx">b</a>'
    )
    found = discover(f"{base}/page.html", today=date(2026, 12, 6))
    newest = found.newest("participating")
    # Both are dated by the server's Last-Modified (the same day): the later link wins the tie.
    assert newest.download.filename == "participating-b.xlsx" and newest.date_from == "Last-Modified"
    assert newest.list_date == date(2026, 12, 1)
    assert [item.download.filename for item in found.lists["participating"]] == [
        "participating-b.xlsx",
        "participating-a.xlsx",
    ]
