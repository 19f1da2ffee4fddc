"""ICE's names for its lists (every scheme, ICE's typos), its SIGNED typos, and the links on its page that may
be lists: the rules of shared/data/ice287g/ICE-PAGE-2026.md and the archive's own files."""

from datetime import date

import pytest

from counties.importers.download import candidate_links, filename_from, kind_from_text
from counties.importers.lists import date_from_filename, parse_signed, read_name

TODAY = date(2026, 12, 6)


@pytest.mark.parametrize(
    ("name", "kind", "day", "part"),
    [
        ("participatingAgencies05182026am.xlsx", "participating", date(2026, 5, 18), "am"),
        ("participatingAgencies05182026mid.xlsx", "participating", date(2026, 5, 18), "mid"),
        ("pendingAgencies02272026am.xlsx", "pending", date(2026, 2, 27), "am"),
        ("participatingAgencies_20260518.xlsx", "participating", date(2026, 5, 18), ""),
        ("287gParticipatingAgencies091526pm.xlsx", "participating", date(2026, 9, 15), "pm"),
        ("ParticipatingAgency091826.xlsx", "participating", date(2026, 9, 18), ""),
        ("participatingAgencies041720263pm.xlsx", "participating", date(2026, 4, 17), "pm"),  # a stray digit
        ("ParticipatingEntities-20250104041613.xlsx", "participating", date(2025, 1, 4), ""),  # the archive's
        ("participating-2026-05-18.xlsx", "participating", date(2026, 5, 18), ""),  # the site's own
        ("C:\\Downloads\\287gParticipatingAgencies120126am.xlsx", "participating", date(2026, 12, 1), "am"),
    ],
)
def test_every_name_scheme(name, kind, day, part):
    found = read_name(name, today=TODAY)
    assert (found.kind, found.date, found.part, found.problem) == (kind, day, part, "")


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("participatingAgencies03113025am.xlsx", "(3025-03-11) is in the future"),  # ICE's typo
        ("participatingAgencies090022025am.xlsx", "is not a real date"),  # day 00 (the archive's 2025-09-02)
        ("participatingAgencies01012004.xlsx", "before 2005"),
        ("287gParticipatingAgencies123126am.xlsx", "(2026-12-31) is in the future"),
        ("participatingAgencies.xlsx", "has no date"),
        ("", "has no date"),
    ],
)
def test_a_date_that_cannot_be_is_no_date_and_says_why(name, problem):
    found = read_name(name, today=TODAY)
    assert found.date is None and problem in found.problem


def test_a_day_ahead_is_allowed_and_the_command_and_upload_read_the_same_names():
    assert read_name("ParticipatingAgency120726.xlsx", today=TODAY).date == date(2026, 12, 7)
    assert read_name("ParticipatingAgency120826.xlsx", today=TODAY).date is None
    # date_from_filename (import_ice_287g FILE, the editor's upload) is read_name's date
    assert date_from_filename("287gParticipatingAgencies091526pm.xlsx", today=TODAY) == date(2026, 9, 15)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("7/72025", ("2025-07-07", "7/72025")),  # a dropped slash (Terry County, TX, from 2025-07-08)
        ("05/082025", ("2025-05-08", "05/082025")),
        ("8/282025", ("2025-08-28", "8/282025")),
        ("5/31/20026", ("2026-05-31", "5/31/20026")),  # a five-digit year
        ("5/31/2026", ("2026-05-31", "")),  # clean: no raw text kept
        ("5025-07-07", (None, "5025-07-07")),  # 2025 or 2052? kept as ICE wrote it
        ("13/12025", (None, "13/12025")),
        ("Pending", (None, "Pending")),
    ],
)
def test_signed_typos_of_one_reading_are_repaired_and_keep_ices_text(cell, expected):
    assert parse_signed(cell) == expected


def test_candidate_links_by_text_or_address():
    html = """
    <a href="/file-download/download/public/48213">View 287(g) Participating Agencies</a>
    <a href="/doclib/about/offices/ero/287g/pendingAgencies02272026am.xlsx">older list</a>
    <a href="https://www.ice.gov/some/list"><span>Pending</span> agencies</a>
    <a href="/doclib/287gMOA/x.pdf">an agreement</a>
    <a href="mailto:x@example.org">participating agencies</a>
    <a href="/file-download/download/public/48213#top">the same list again</a>
    <a href="/news">News</a>
    """
    links = candidate_links(html, "https://www.ice.gov/identify-and-arrest/287g")
    assert [(link.url, link.text) for link in links] == [
        # links named for a list first, then workbooks by address (then the file service's other documents)
        ("https://www.ice.gov/file-download/download/public/48213", "View 287(g) Participating Agencies"),
        ("https://www.ice.gov/some/list", "Pending agencies"),
        ("https://www.ice.gov/doclib/about/offices/ero/287g/pendingAgencies02272026am.xlsx", "older list"),
    ]
    assert kind_from_text("View 287(g) Participating Agencies") == "participating"
    assert kind_from_text("Pending agencies") == "pending"
    assert kind_from_text("Participating and pending agencies") is None


@pytest.mark.parametrize(
    ("header", "name"),
    [
        (
            'attachment; filename="287gParticipatingAgencies091526pm.xlsx"',
            "287gParticipatingAgencies091526pm.xlsx",
        ),
        ("attachment; filename=ParticipatingAgency091826.xlsx", "ParticipatingAgency091826.xlsx"),
        (
            "attachment; filename*=UTF-8''participatingAgencies_20260918.xlsx",
            "participatingAgencies_20260918.xlsx",
        ),
        (
            'attachment; filename="../../etc/participatingAgencies05182026am.xlsx"',
            "participatingAgencies05182026am.xlsx",
        ),
        ('attachment; filename="bad\x07name.xlsx"', "badname.xlsx"),
        ("inline", ""),
        ("", ""),
    ],
)
def test_the_file_name_comes_from_content_disposition(header, name):
    assert filename_from(header) == name


def test_filename_star_wins_wherever_it_stands():
    header = "attachment; filename=\"fallback.xlsx\"; filename*=UTF-8''participatingAgencies_20260918.xlsx"
    assert filename_from(header) == "participatingAgencies_20260918.xlsx"


def test_the_deadline_cuts_off_a_tls_handshake_that_never_ends():
    """ICE is served over https: the deadline shuts the TLS socket down, where the handshake waits."""
    import socket
    import ssl
    import threading
    import time

    from counties.importers.download import _Deadline

    ours, theirs = socket.socketpair()  # the other end never answers the handshake
    tls = ssl.create_default_context().wrap_socket(
        ours, server_hostname="www.ice.gov", do_handshake_on_connect=False
    )
    deadline = _Deadline(0.5)
    deadline.watch(tls)
    failed = []

    def handshake():
        try:
            tls.do_handshake()
        except (OSError, ssl.SSLError) as error:
            failed.append(error)

    started = time.monotonic()
    worker = threading.Thread(target=handshake, daemon=True)
    worker.start()
    worker.join(10)
    took = time.monotonic() - started
    theirs.close()
    tls.close()
    assert not worker.is_alive() and failed and deadline.passed, "the handshake was not cut off"
    assert took < 5
