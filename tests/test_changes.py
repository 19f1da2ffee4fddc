"""recent_changes() derives dated changes from ICE's snapshots and editors' events, in fixed queries."""

import datetime

import pytest
from django.utils import translation

from counties.changes import Kind, recent_changes
from counties.models import SnapshotRow
from tests.factories import (
    AgencyFactory,
    AgreementFactory,
    CountyFactory,
    EventFactory,
    SnapshotFactory,
    SourceFactory,
    StateFactory,
)

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def snapshots():
    """Four ICE lists far in the future, so they are the newest whatever data the session loaded."""
    return [
        SnapshotFactory(as_of=D(2090, month, 1), source_url=f"https://example.org/{month}.xlsx")
        for month in (1, 2, 3, 4)
    ]


def row(snapshot, agreement, n):
    return SnapshotRow.objects.create(snapshot=snapshot, row_number=n, data={}, agreement=agreement)


def kinds_for(items, agreement):
    return [(item.kind, item.date) for item in items if item.agreement == agreement]


def test_first_listed_no_longer_listed_and_listed_again_from_rows(snapshots):
    s1, s2, s3, s4 = snapshots
    county = CountyFactory()
    agency = AgencyFactory(county=county, state=county.state)
    agreement = AgreementFactory(agency=agency, first_listed=s1, last_listed=s4)
    # Listed on 1 and 2, missing on 3, back on 4.
    for n, snapshot in enumerate((s1, s2, s4)):
        row(snapshot, agreement, n)
    items = recent_changes(county=county)
    assert kinds_for(items, agreement) == [
        (Kind.RELISTED, s4.as_of),
        (Kind.DELISTED, s3.as_of),
        (Kind.LISTED, s1.as_of),
    ]
    relisted = items[0]
    assert relisted.snapshot == s4
    assert relisted.source_url == "https://example.org/4.xlsx"
    assert relisted.county == county and relisted.agency == agency and relisted.model == "task-force"


def test_dropped_agreement_is_no_longer_listed_on_the_next_snapshot(snapshots):
    s1, s2, s3, _s4 = snapshots
    county = CountyFactory()
    agency = AgencyFactory(county=county, state=county.state)
    # No rows: the agreement is taken as listed from first to last listing (s1..s2).
    agreement = AgreementFactory(agency=agency, first_listed=s1, last_listed=s2, is_current=False)
    assert kinds_for(recent_changes(county=county), agreement) == [
        (Kind.DELISTED, s3.as_of),
        (Kind.LISTED, s1.as_of),
    ]


def test_current_agreement_has_only_its_first_listing(snapshots):
    s1, s2, _s3, s4 = snapshots
    county = CountyFactory()
    agreement = AgreementFactory(
        agency=AgencyFactory(county=county, state=county.state), first_listed=s2, last_listed=s4
    )
    assert kinds_for(recent_changes(county=county), agreement) == [(Kind.LISTED, s2.as_of)]


def test_published_events_are_merged_newest_first_and_drafts_are_not(snapshots):
    s1, *_ = snapshots
    county = CountyFactory()
    agreement = AgreementFactory(agency=AgencyFactory(county=county, state=county.state), first_listed=s1)
    source = SourceFactory(title="Court minutes", url="https://example.org/minutes.pdf")
    published = EventFactory(county=county, date=D(2090, 1, 15), source=source, summary_es="La corte votó.")
    EventFactory(county=county, date=D(2090, 1, 20), is_published=False)
    items = recent_changes(county=county)
    assert [(item.kind, item.date) for item in items] == [
        (Kind.EVENT, D(2090, 1, 15)),
        (Kind.LISTED, s1.as_of),
    ]
    event = items[0]
    assert event.event == published and event.source == source and event.source_url == source.url
    assert event.key == f"event/{published.pk}"
    assert items[1].key == f"listed/{agreement.pk}/2090-01-01"
    with translation.override("es"):
        assert event.headline == "La corte votó."
    with translation.override("en"):
        assert event.headline == published.summary


def test_filters_by_county_and_state_and_limits(snapshots):
    s1, s2, *_ = snapshots
    here, there = CountyFactory(), CountyFactory()
    elsewhere = CountyFactory(state=StateFactory(code="ZY", fips="98", name="Otherland"))
    mine = AgreementFactory(agency=AgencyFactory(county=here, state=here.state), first_listed=s2)
    theirs = AgreementFactory(agency=AgencyFactory(county=there, state=there.state), first_listed=s1)
    far = AgreementFactory(agency=AgencyFactory(county=elsewhere, state=elsewhere.state), first_listed=s1)
    assert [item.agreement for item in recent_changes(county=here)] == [mine]
    in_state = {item.agreement for item in recent_changes(state="zz")}
    assert {mine, theirs} <= in_state and far not in in_state
    assert {item.agreement for item in recent_changes(state=elsewhere.state)} == {far}
    assert [item.agreement for item in recent_changes(state="ZZ", limit=1)] == [mine]
    assert recent_changes(state="no such state") == []
    assert recent_changes(county=here, limit=0) == []


def test_headline_says_what_happened_in_each_language(snapshots):
    s1, *_ = snapshots
    county = CountyFactory()
    agency = AgencyFactory(county=county, state=county.state, name="Sample Sheriff's Office")
    AgreementFactory(agency=agency, model="jail", first_listed=s1)
    (item,) = recent_changes(county=county)
    with translation.override("en"):
        assert item.headline == (
            "Sample Sheriff's Office: Jail Enforcement agreement first listed by ICE on Jan. 1, 2090."
        )
        assert "Jan. 1, 2090" in item.source_title


def test_constant_number_of_queries(snapshots, django_assert_num_queries):
    s1, s2, s3, s4 = snapshots
    county = CountyFactory()
    for i in range(6):
        agency = AgencyFactory(county=county, state=county.state, name=f"Agency {i}")
        agreement = AgreementFactory(agency=agency, first_listed=s1, last_listed=s3, is_current=False)
        for n, snapshot in enumerate((s1, s3)):
            row(snapshot, agreement, 100 * i + n)
        EventFactory(county=county)
    with django_assert_num_queries(4):
        items = recent_changes(county=county)
        [(item.headline, item.source_title, item.county.state.code) for item in items]
    # 6 agreements x (listed, delisted at s2, relisted at s3, delisted at s4) + 6 events
    assert len(items) == 30


def test_text_without_date_and_language_of_an_untranslated_event(snapshots):
    s1, *_ = snapshots
    county = CountyFactory()
    agency = AgencyFactory(county=county, state=county.state, name="Sample Sheriff's Office")
    AgreementFactory(agency=agency, model="jail", first_listed=s1)
    EventFactory(county=county, date=D(2090, 1, 15), summary="Only in English.", summary_es="")
    event, listed = recent_changes(county=county)
    with translation.override("en"):
        assert listed.text == "Sample Sheriff's Office: Jail Enforcement agreement first listed by ICE."
        assert (event.text, event.lang, listed.lang) == ("Only in English.", "en", "en")
    with translation.override("es"):
        assert event.lang == "en" and listed.lang == "es"


def test_rows_decide_over_the_current_flag(snapshots):
    s1, s2, s3, s4 = snapshots
    county = CountyFactory()
    agreement = AgreementFactory(
        agency=AgencyFactory(county=county, state=county.state), first_listed=s1, last_listed=s2
    )  # marked current, but its rows stop at s2
    for n, snapshot in enumerate((s1, s2)):
        row(snapshot, agreement, n)
    assert kinds_for(recent_changes(county=county), agreement) == [
        (Kind.DELISTED, s3.as_of),
        (Kind.LISTED, s1.as_of),
    ]
