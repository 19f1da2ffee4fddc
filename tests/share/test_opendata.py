"""Open-data files stream, parse, keep their columns, and guard against spreadsheet formulas."""

import csv
import datetime
import io
import json

import pytest
from django.urls import reverse
from django.utils.html import escape

from counties.models import Agreement, County, Request, Snapshot
from counties.share.export import csv_safe
from counties.share.opendata import DATASETS
from tests.counties.factories import AgencyFactory, AgreementFactory, CountyFactory, SnapshotFactory

pytestmark = pytest.mark.django_db


def download(client, name, fmt):
    response = client.get(reverse("share:data_file", args=[name, fmt]))
    assert response.status_code == 200
    assert response.streaming
    assert f'filename="287g-{name}.{fmt}"' in response["Content-Disposition"]
    assert "max-age=3600" in response["Cache-Control"] and "public" in response["Cache-Control"]
    assert not response.cookies
    return b"".join(response.streaming_content).decode("utf-8-sig")  # CSV files start with a byte-order mark


@pytest.fixture
def sample():
    oldest = SnapshotFactory(as_of=datetime.date(2021, 1, 13), unchanged_through=datetime.date(2021, 4, 5))
    snapshot = SnapshotFactory(as_of=datetime.date(2026, 7, 1))
    pending = SnapshotFactory(kind=Snapshot.Kind.PENDING, as_of=datetime.date(2026, 2, 27))
    county = CountyFactory(name="Sample County")
    sheriff = AgencyFactory(county=county, state=county.state, name="=HYPERLINK(evil) Sheriff's Office")
    jail = AgreementFactory(
        agency=sheriff, model="jail", first_listed=oldest, last_listed=snapshot, first_listed_is_oldest=True
    )
    AgreementFactory(agency=sheriff, model="warrant", first_listed=snapshot)
    AgreementFactory(
        agency=sheriff,
        model="task-force",
        first_listed=oldest,
        last_listed=oldest,
        dropped_on=snapshot,
        is_current=False,
    )
    Request.objects.create(
        public_id=f"{sheriff.key}/jail/request", agency=sheriff, model="jail", first_pending=pending,
        last_pending=pending, outcome=Request.Outcome.SIGNED, signed_on=snapshot, agreement=jail,
    )  # fmt: skip
    return county


def test_counties_csv_has_one_row_per_county_with_the_documented_columns(client, sample):
    rows = list(csv.reader(io.StringIO(download(client, "counties", "csv"))))
    assert rows[0] == DATASETS["counties"].column_names
    assert rows[0][:4] == ["fips", "state", "name", "status"]
    assert len(rows) - 1 == County.objects.count()
    assert len({row[0] for row in rows[1:]}) == len(rows) - 1  # one row per FIPS code
    by_fips = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    mine = by_fips[sample.fips]
    assert mine["status"] == "sheriff"
    assert mine["sheriff_models"] == "jail;warrant"
    assert mine["as_of"] == "2026-07-01"
    assert mine["sb8_applies"] == "no"
    assert mine["url"].endswith("/counties/zz/sample-county/")


def test_agreements_csv_guards_formulas_and_keeps_stable_ids(client, sample):
    rows = list(csv.DictReader(io.StringIO(download(client, "agreements", "csv"))))
    assert len(rows) == Agreement.objects.count()
    mine = {row["model"]: row for row in rows if row["county_fips"] == sample.fips}
    assert sorted(mine) == ["jail", "task-force", "warrant"]
    assert all(row["agency"].startswith("'=HYPERLINK") for row in mine.values())
    agreement = Agreement.objects.get(agency__county=sample, model="jail")
    assert mine["jail"]["id"] == agreement.public_id == f"{agreement.agency.key}/jail"
    assert (mine["jail"]["first_listed"], mine["jail"]["first_listed_is_oldest"]) == ("2021-01-13", "True")
    assert mine["jail"]["is_current"] == "True" and mine["jail"]["gone_on"] == ""
    former = mine["task-force"]
    assert (former["last_listed"], former["last_seen"], former["gone_on"]) == (
        "2021-01-13",
        "2021-04-05",
        "2026-07-01",
    )


def test_json_files_parse_with_metadata(client, sample):
    data = json.loads(download(client, "counties", "json"))
    assert data["dataset"] == "counties"
    assert data["data_as_of"] == "2026-07-01"
    assert data["columns"] == DATASETS["counties"].column_names
    assert len(data["rows"]) == County.objects.count()
    assert {row["fips"]: row["status"] for row in data["rows"]}[sample.fips] == "sheriff"
    agreements = json.loads(download(client, "agreements", "json"))
    assert len(agreements["rows"]) == Agreement.objects.count()
    snapshots = json.loads(download(client, "snapshots", "json"))
    assert [row["as_of"] for row in snapshots["rows"]][-1] == "2026-07-01"
    assert len(snapshots["rows"]) == Snapshot.objects.count()
    assert {row["kind"] for row in snapshots["rows"]} == {"participating", "pending"}
    assert (data["pending_as_of"], data["data_unchanged_through"]) == ("2026-02-27", "2026-07-01")


def test_requests_have_stable_ids_and_say_what_became_of_them(client, sample):
    rows = list(csv.DictReader(io.StringIO(download(client, "requests", "csv"))))
    assert list(rows[0]) == DATASETS["requests"].column_names
    (row,) = rows
    agreement = Agreement.objects.get(agency__county=sample, model="jail")
    assert row["id"] == f"{agreement.agency.key}/jail/request"
    assert (row["outcome"], row["agreement_id"], row["signed_on"]) == (
        "signed",
        agreement.public_id,
        "2026-07-01",
    )
    assert (row["first_pending"], row["days_to_sign"]) == ("2026-02-27", "124")


def test_snapshot_csv_is_oldest_first(client, sample):
    rows = list(csv.DictReader(io.StringIO(download(client, "snapshots", "csv"))))
    dates = [row["as_of"] for row in rows]
    assert dates == sorted(dates) and dates[-1] == "2026-07-01"


def test_empty_database_gives_header_only_files(client):
    assert download(client, "counties", "csv").strip() == ",".join(DATASETS["counties"].column_names)
    assert json.loads(download(client, "snapshots", "json"))["rows"] == []


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_a_reader_who_has_the_file_gets_a_304_until_the_data_changes(client, sample, fmt):
    url = reverse("share:data_file", args=["counties", fmt])
    first = client.get(url)
    etag = first["ETag"]
    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again["ETag"] == etag and not again.content
    assert "max-age=3600" in again["Cache-Control"]
    assert client.get(reverse("share:data_file", args=["agreements", fmt]))["ETag"] != etag  # another file
    assert client.get("/es" + url)["ETag"] != etag  # another language (the JSON's links)
    # The file has no modification date: If-Unmodified-Since does not stop it (RFC 9110 13.1.4).
    assert client.get(url, HTTP_IF_UNMODIFIED_SINCE="Sat, 01 Jan 2000 00:00:00 GMT").status_code == 200
    CountyFactory(name="New County")  # the data changes: so does the file
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert "New County" in b"".join(changed.streaming_content).decode("utf-8-sig")


def test_unknown_file_is_404(client):
    assert client.get("/data/people.csv").status_code == 404
    assert client.get("/data/counties.xlsx").status_code == 404


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx"])
def test_csv_safe_prefixes_formula_starts(value):
    assert csv_safe(value) == "'" + value


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("Autauga Sheriff;@SUM(1+1)", "Autauga Sheriff;'@SUM(1+1)"),
        ('X; =HYPERLINK("http://evil.example")', 'X; \'=HYPERLINK("http://evil.example")'),
        ("a\t-1", "a\t'-1"),
        ("a\t\t=1", "a\t'\t'=1"),  # split at each tab: neither part starts a formula
        ("\t=1", "'\t'=1"),
        ("Foo\n=HYPERLINK(1)", "Foo\n'=HYPERLINK(1)"),  # a reader that ends the row at the line break
    ],
)
def test_a_cell_split_at_a_semicolon_starts_no_formula(value, safe):
    """A spreadsheet whose list separator is ";" (Spanish, much of Europe and Latin America) splits an
    unquoted cell there, as the aliases column's names are joined."""
    assert csv_safe(value) == safe


def test_csv_safe_leaves_plain_values():
    assert csv_safe("Dallas County") == "Dallas County"
    assert csv_safe("Jefferson Parish;Gretna Police") == "Jefferson Parish;Gretna Police"
    assert csv_safe("Jail Enforcement; 2026-01-05") == "Jail Enforcement; 2026-01-05"
    assert csv_safe(-1) == -1
    assert csv_safe(None) is None


@pytest.mark.parametrize("prefix", ["", "/es"])
def test_data_page_documents_columns_in_both_languages(client, prefix):
    response = client.get(prefix + "/data/")
    assert response.status_code == 200
    html = response.content.decode()
    language, other = ("es", "en") if prefix else ("en", "es")
    for dataset in DATASETS.values():
        for column in dataset.columns:
            assert f"<code>{column.name}</code>" in html
            # what it holds, in the page's language only (counties/share/columns.toml)
            assert escape(column.texts[language]) in html and escape(column.texts[other]) not in html, column
    assert f'href="{prefix}/data/counties.csv"' in html and f'href="{prefix}/data/snapshots.json"' in html
    assert "CC0" in html
    assert 'type="application/atom+xml"' in html
    assert not response.cookies


def test_every_row_has_a_value_for_each_documented_column(sample):
    """counties/share/columns.toml names the columns; each dataset's rows have as many values."""
    for dataset in DATASETS.values():
        rows = list(dataset.rows())
        assert rows, dataset.name
        assert {len(row) for row in rows} == {len(dataset.columns)}, dataset.name


def test_county_statuses_match_county_status_in_fixed_queries(sample, django_assert_max_num_queries):
    from counties.status import county_status, county_statuses

    counties = list(County.objects.select_related("state").filter(state__code="ZZ"))
    with django_assert_max_num_queries(2):
        bulk = list(county_statuses(counties))
    for status in bulk:
        one = county_status(status.county)
        assert (status.code, status.sheriff_models, status.as_of) == (one.code, one.sheriff_models, one.as_of)
    assert {s.county: s.code for s in bulk}[sample] == "sheriff"


def test_a_full_disk_still_gives_the_download_and_leaves_nothing_behind(
    client, sample, settings, monkeypatch
):
    """The disk fills while the download is written to its file: the reader still gets the whole file
    (built in memory), and no partial or temporary file is left in the export folder (only the lock file
    builds take turns on)."""
    import errno
    import tempfile

    from counties.share import export

    real = tempfile.NamedTemporaryFile

    def filling_up(*args, **kwargs):
        handle = real(*args, **kwargs)

        def write(text):  # half of the first chunk fits, then the disk is full
            handle.file.write(text[: len(text) // 2])
            raise OSError(errno.ENOSPC, "No space left on device")

        handle.write = write
        return handle

    monkeypatch.setattr(export.tempfile, "NamedTemporaryFile", filling_up)
    url = reverse("share:data_file", kwargs={"name": "counties", "fmt": "csv"})
    response = client.get(url)
    assert response.status_code == 200 and response.streaming
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == County.objects.count() and rows
    assert [p.name for p in settings.DATA_EXPORT_DIR.iterdir()] == [".counties.csv.lock"]


def test_csv_files_start_with_a_byte_order_mark_so_excel_keeps_accents(client):
    """Excel reads a CSV without one in the computer's old code page ("MarÃ­a"); JSON has none."""
    for name in ("counties", "agreements", "requests", "snapshots"):
        raw = b"".join(client.get(reverse("share:data_file", args=[name, "csv"])).streaming_content)
        assert raw.startswith(b"\xef\xbb\xbf") and not raw.startswith(b"\xef\xbb\xbf\xef\xbb\xbf"), name
        assert raw[3:].decode().splitlines()[0] == ",".join(DATASETS[name].column_names), name
        json_raw = b"".join(client.get(reverse("share:data_file", args=[name, "json"])).streaming_content)
        assert json_raw.startswith(b"{"), name
    page = client.get("/data/").content.decode()
    assert "byte-order mark" in page


def test_a_server_started_with_another_site_address_builds_its_downloads_again(client, settings, sample):
    """A download is kept on disk per data version and release; the release includes the settings it shows
    (counties/pagecache.py, RELEASE_SETTINGS), so the old address is not served after a restart with a new
    one while the data stays the same."""
    from counties import pagecache

    before = download(client, "counties", "csv")
    settings.SITE_URL = "https://moved.example.org"
    pagecache.release.cache_clear()  # as a new process would compute it
    try:
        after = download(client, "counties", "csv")
    finally:
        pagecache.release.cache_clear()
    assert "https://moved.example.org/counties/" in after and "https://moved.example.org" not in before


def test_english_and_spanish_downloads_keep_each_others_files(client, sample, settings):
    """Each language has its file (the JSON links its own documentation): building one never removes the
    other's, so asking for them in turn reads files and builds nothing again."""
    folder = settings.DATA_EXPORT_DIR
    english, spanish = "/data/agreements.csv", "/es/data/agreements.csv"
    first = b"".join(client.get(english).streaming_content)
    built = {p.name: p.stat().st_ino for p in folder.glob("agreements.csv.*")}
    assert b"".join(client.get(spanish).streaming_content)
    for _ in range(2):
        assert b"".join(client.get(english).streaming_content) == first
        client.get(spanish)
    files = {p.name: p.stat().st_ino for p in folder.glob("agreements.csv.*")}
    assert len(files) == 2 and built.items() <= files.items()  # the English file is the one first built


def test_files_no_reader_opened_for_ten_minutes_are_removed_when_another_is_built(client, sample, settings):
    import os
    import time

    from counties.share.export import UNUSED_FILE_SECONDS

    folder = settings.DATA_EXPORT_DIR
    long_ago = time.time() - UNUSED_FILE_SECONDS - 60

    def built_by(path):
        before = set(folder.glob("counties.csv.*"))
        client.get(path)
        (new,) = set(folder.glob("counties.csv.*")) - before
        return new

    english = built_by("/data/counties.csv")
    left = folder / "counties.csv.tmpkilled.tmp"  # left by a process killed while writing
    left.write_text("half a file")
    os.utime(left, (long_ago - 3600, long_ago - 3600))
    os.utime(english, (long_ago, long_ago))
    spanish = built_by("/es/data/counties.csv")  # another file of the same download is built
    assert not english.exists() and not left.exists() and spanish.exists()
    english = built_by("/data/counties.csv")
    os.utime(english, (long_ago, long_ago))
    client.get("/data/counties.csv")  # read again: in use
    CountyFactory(name="Newer County")  # a new data version
    newer = built_by("/es/data/counties.csv")
    assert english.exists() and spanish.exists() and newer.exists()  # none unused for long enough


def test_a_build_that_fails_leaves_no_temporary_file(client, sample, settings, monkeypatch):
    """A database error (or the reader's bound cutting a query) while the file is written: the reader gets
    the 503 page, and no partial file is left to fill the disk."""
    import dataclasses

    from django.db import OperationalError

    real = DATASETS["counties"]

    def failing_rows():
        yield from real.rows()  # every row written, then the error
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setitem(DATASETS, "counties", dataclasses.replace(real, rows=failing_rows))
    response = client.get("/data/counties.csv")
    assert response.status_code == 503
    assert [p.name for p in settings.DATA_EXPORT_DIR.iterdir()] == [".counties.csv.lock"]


def test_readers_at_once_wait_for_one_build(settings, tmp_path, monkeypatch):
    import threading
    import time

    from counties.share import export

    monkeypatch.setattr(export, "read_data_version", lambda: 1)  # no database: the lock alone
    builds = []

    def slow_chunks():
        builds.append(1)
        time.sleep(0.3)
        yield "a,b\r\n"

    answers = []

    def read():
        with export.exported_file("counties.csv", ("v", 1), slow_chunks) as handle:
            answers.append(handle.read())

    readers = [threading.Thread(target=read) for _ in range(4)]
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join()
    assert answers == [b"a,b\r\n"] * 4 and len(builds) == 1


def test_rows_read_while_an_import_committed_are_read_again(settings, monkeypatch):
    """The data version is read before and after the rows: when it moved, the rows may mix two lists, and
    the file is built again (then kept); twice in a row, the third build is kept as it is."""
    from counties.share import export

    builds = []

    def chunks():
        builds.append(1)
        yield f"build {len(builds)}\r\n"

    versions = iter([1, 2, 2, 2])  # an import commits during the first read
    monkeypatch.setattr(export, "read_data_version", lambda: next(versions))
    with export.exported_file("counties.csv", ("v", 1), chunks) as handle:
        assert handle.read() == b"build 2\r\n"
    assert len(builds) == 2
    assert sorted(p.name for p in settings.DATA_EXPORT_DIR.iterdir() if p.name.endswith(".tmp")) == []
    versions = iter([3, 4, 4, 5])  # and during the second: the third is kept, unchecked
    builds.clear()
    with export.exported_file("counties.csv", ("v", 2), chunks) as handle:
        assert handle.read() == b"build 3\r\n"


def test_a_file_that_cannot_be_moved_into_place_leaves_nothing_behind(client, sample, settings, monkeypatch):
    """The last failure a build can meet (the disk full as the last bytes are flushed, a rename refused):
    the temporary file goes, and the reader still gets the whole file, built in memory."""
    import errno

    from counties.share import export

    def refused(*args):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(export.os, "replace", refused)
    response = client.get("/data/counties.csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == County.objects.count() and rows
    assert [p.name for p in settings.DATA_EXPORT_DIR.iterdir()] == [".counties.csv.lock"]


def test_an_if_match_for_another_version_is_a_412(client, sample):
    """RFC 9110 13.2.2: a false If-Match is a 412, compared strongly (it used to log a 412 and send the
    file)."""
    etag = client.get("/data/counties.csv")["ETag"]
    assert client.get("/data/counties.csv", HTTP_IF_MATCH='"nope"').status_code == 412
    assert client.get("/data/counties.csv", HTTP_IF_MATCH=f"W/{etag}").status_code == 412
    assert client.get("/data/counties.csv", HTTP_IF_MATCH=f'"other", {etag}').status_code == 200
    assert client.get("/data/counties.csv", HTTP_IF_MATCH="*").status_code == 200
    assert client.get("/data/counties.csv", HTTP_IF_MATCH="abc").status_code == 200  # no tag: as if absent
    junk = client.get("/data/counties.csv", HTTP_IF_NONE_MATCH='junk, W/"x", "')
    assert junk.status_code == 200
    assert client.get("/data/counties.csv", HTTP_IF_NONE_MATCH="*").status_code == 304
    weak = client.get("/data/counties.csv", HTTP_IF_NONE_MATCH=f"W/{etag}")
    assert weak.status_code == 304  # nginx makes a gzipped answer's ETag weak


def test_no_download_reads_through_a_server_side_cursor(client, sample, monkeypatch):
    """A server-side cursor's fetches go to the database outside Django's execute, where the reader's bound
    on each query (config/bounded_db.py) does not see them: with the database paused, the build (and every
    reader waiting on its lock) hung for the pause. The rows are read in pages of ordinary queries."""
    from django.db import connection

    from counties.share import opendata

    def refused():
        raise AssertionError("a server-side cursor")

    monkeypatch.setattr(connection, "chunked_cursor", refused)
    monkeypatch.setattr(opendata, "PAGE_ROWS", 1)  # every row its own page: the pages join up
    for name in DATASETS:
        for fmt in ("csv", "json"):
            response = client.get(reverse("share:data_file", args=[name, fmt]))
            assert response.status_code == 200, (name, fmt)
    rows = list(csv.DictReader(io.StringIO(download(client, "agreements", "csv"))))
    assert len(rows) == Agreement.objects.count() == 3
    assert len({row["id"] for row in rows}) == 3
