"""recent_changes(): what ICE's lists show (worked out by the importer) and editors' published events,
newest first, in a fixed number of queries."""

import datetime

import pytest
from django.utils import translation

from counties.changes import EVENT, Kind, recent_changes
from counties.importers.ice import import_list
from counties.models import County
from tests.counties.factories import EventFactory, SourceFactory
from tests.counties.workbooks import PENDING, name, pending_row, tf, workbook

pytestmark = pytest.mark.django_db

D = datetime.date


def load(*lists):
    for kind, day, rows in lists:
        data = workbook(rows, PENDING) if kind == "pending" else workbook(rows)
        result = import_list(
            data,
            filename=name(kind, day),
            source_url=f"https://example.org/{day}.xlsx",
            allow_large_drop=True,
        )
        assert result.outcome == "imported", result.summary()


def kinds(items, agency_name):
    return [(item.kind, item.date) for item in items if item.agency and item.agency.name == agency_name]


def test_first_listed_no_longer_listed_and_listed_again(texas):
    a, b = "Alpha Police Department", "Bravo Police Department"
    load(
        ("participating", D(2026, 1, 5), [tf(b)]),
        ("participating", D(2026, 2, 5), [tf(a), tf(b)]),
        ("participating", D(2026, 3, 5), [tf(b), tf("Carl PD")]),
        ("participating", D(2026, 4, 5), [tf(a), tf(b), tf("Carl PD")]),
    )
    items = recent_changes(county=texas["Dallas County"])
    assert kinds(items, a) == [
        (Kind.RELISTED, D(2026, 4, 5)),
        (Kind.DELISTED, D(2026, 3, 5)),
        (Kind.LISTED, D(2026, 2, 5)),
    ]
    relisted = items[0]
    assert (
        relisted.snapshot.as_of == D(2026, 4, 5)
        and relisted.source_url == "https://example.org/2026-04-05.xlsx"
    )
    assert relisted.county == texas["Dallas County"] and relisted.model == "task-force"
    # Bravo was already on the oldest list held: not "first listed" that day, and not a site-wide change.
    assert kinds(items, b) == [(Kind.ON_OLDEST, D(2026, 1, 5))]
    assert kinds(recent_changes(state="TX"), b) == []
    with translation.override("en"):
        delisted = items[1]
        assert delisted.headline == (
            "Alpha Police Department: Task Force agreement gone from ICE's list of March 5, 2026 (last seen on the "
            "list of Feb. 5, 2026, unchanged through Feb. 5, 2026)."
        )


def test_requests_and_their_end_are_changes(texas):
    load(
        ("pending", D(2026, 1, 5), [pending_row("Collin County Sheriff's Office", "Collin County")]),
        ("pending", D(2026, 1, 6), [pending_row("Rockwall County Sheriff's Office", "Rockwall County")]),
        ("pending", D(2026, 2, 6), [pending_row("Other County Sheriff's Office", "Dallas County")]),
    )
    rockwall = recent_changes(county=texas["Rockwall County"])
    assert [(i.kind, i.date) for i in rockwall] == [
        (Kind.REQUEST_DROPPED, D(2026, 2, 6)),
        (Kind.REQUESTED, D(2026, 1, 6)),
    ]
    with translation.override("en"):
        assert rockwall[0].headline == (
            "Rockwall County Sheriff's Office: the Jail Enforcement agreement request is gone from ICE's pending "
            "list of Feb. 6, 2026, with no agreement on ICE's lists."
        )
        assert "pending agencies, Feb. 6, 2026" in rockwall[0].source_title
    assert [i.kind for i in recent_changes(county=texas["Collin County"])] == [
        Kind.REQUEST_DROPPED,
        Kind.REQUEST_ON_OLDEST,
    ]


def test_published_events_are_merged_newest_first_and_drafts_are_not(texas):
    load(
        ("participating", D(2026, 1, 5), [tf("Bravo PD")]),
        ("participating", D(2026, 2, 5), [tf("Bravo PD"), tf("Alpha PD")]),
    )
    county = texas["Dallas County"]
    source = SourceFactory(title="Court minutes", url="https://example.org/minutes.pdf")
    published = EventFactory(county=county, date=D(2026, 2, 15), source=source, summary_es="La corte votó.")
    EventFactory(county=county, date=D(2026, 2, 20), is_published=False)
    items = recent_changes(county=county)
    assert [(item.kind, item.date) for item in items] == [
        (EVENT, D(2026, 2, 15)),
        (Kind.LISTED, D(2026, 2, 5)),
        (Kind.ON_OLDEST, D(2026, 1, 5)),
    ]
    event = items[0]
    assert event.event == published and event.source == source and event.source_url == source.url
    assert event.key == f"event/{published.pk}"
    assert items[1].key == "listed/tx:alpha police department/task-force/2026-02-05"
    with translation.override("es"):
        assert event.headline == "La corte votó."
    with translation.override("en"):
        assert event.headline == published.summary


def test_filters_by_county_and_state_and_limits(texas):
    load(
        ("participating", D(2026, 1, 5), [tf("Old PD")]),
        ("participating", D(2026, 2, 5), [tf("Old PD"), tf("Here PD"), tf("There PD", "Tarrant County")]),
    )
    here = [item.agency.name for item in recent_changes(county=texas["Dallas County"], include_oldest=False)]
    assert here == ["Here PD"]
    assert {item.agency.name for item in recent_changes(state="tx")} == {"Here PD", "There PD"}
    assert len(recent_changes(state="TX", limit=1)) == 1
    assert recent_changes(state="no such state") == []
    assert recent_changes(county=texas["Dallas County"], limit=0) == []


def test_headline_and_text_in_each_language(texas):
    load(
        ("participating", D(2026, 1, 5), [tf("Other PD")]),
        (
            "participating",
            D(2026, 2, 5),
            [tf("Other PD"), tf("Sample Sheriff's Office", model="Jail Enforcement Model")],
        ),
    )
    county = texas["Dallas County"]
    EventFactory(county=county, date=D(2026, 2, 15), summary="Only in English.", summary_es="")
    event, listed, _oldest = recent_changes(county=county)
    with translation.override("en"):
        assert (
            listed.headline
            == "Sample Sheriff's Office: Jail Enforcement agreement first listed by ICE on Feb. 5, 2026."
        )
        assert listed.text == "Sample Sheriff's Office: Jail Enforcement agreement first listed by ICE."
        assert "Feb. 5, 2026" in listed.source_title
        assert (event.text, event.lang, listed.lang) == ("Only in English.", "en", "en")
    with translation.override("es"):
        assert event.lang == "en" and listed.lang == "es"
        assert "Sample Sheriff's Office" in listed.headline and "2026" in listed.headline


def test_constant_number_of_queries(texas, django_assert_num_queries):
    rows = [tf(f"Agency {i} PD") for i in range(6)]
    load(("participating", D(2026, 1, 5), [tf("Keep PD")]), ("participating", D(2026, 2, 5), [tf("Keep PD"), *rows]),
         ("participating", D(2026, 3, 5), [tf("Keep PD"), tf("Also PD")]), ("participating", D(2026, 4, 5), [tf("Keep PD", signed=D(2026, 1, 2)), *rows]))  # fmt: skip
    county = County.objects.select_related("state").get(name="Dallas County")  # as a county page has it
    for _ in range(6):
        EventFactory(county=county)
    with django_assert_num_queries(2):
        items = recent_changes(county=county)
        [(item.headline, item.source_title, item.county.state.code) for item in items]
    # 6 agreements x (listed, delisted, relisted) + Keep PD (on the oldest list, date corrected) + Also PD
    # (listed, delisted) + 6 events
    assert len(items) == 28
