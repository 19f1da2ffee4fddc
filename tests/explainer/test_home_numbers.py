"""The home page's numbers come from the data and are named as the data has them: ICE's "states" include
territories (FACTS.md i3), and the Texas numbers say how current ICE's list is after SB 8's deadline."""

import datetime

import pytest
from django.utils import timezone

from counties.importers.ice import import_list
from counties.importers.sync import _confirm_newest as confirm_newest
from counties.models import County, Snapshot, State
from tests.counties.workbooks import name, texas_counties, tf, workbook
from tests.pages import page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def lists(monkeypatch):
    texas_counties()
    State.objects.get_or_create(code="GU", defaults={"fips": "66", "name": "Guam"})
    County.objects.filter(state__code="TX").update(jail_status=County.JailStatus.JAIL)
    rows = [
        tf("Testville Police Department"),
        [
            "OKLAHOMA",
            "Sample County Sheriff's Office",
            "County",
            "#N/A",
            "Jail Enforcement Model",
            None,
            "link",
            None,
        ],
        [
            "GUAM",
            "Guam Customs and Quarantine Agency",
            "State Agency",
            "#N/A",
            "Task Force Model",
            None,
            "link",
            None,
        ],
    ]
    day = datetime.date(2026, 5, 18)
    import_list(workbook(rows), filename=name("participating", day))
    monkeypatch.setattr(timezone, "localdate", lambda *args: datetime.date(2026, 12, 6))


def test_states_and_territories_are_counted_apart(client, lists):
    text = page_text(client.get("/"))
    assert "3 agreements in 2 states and 1 U.S. territory" in text
    assert "agreements in 3 states" not in text
    spanish = page_text(client.get("/es/"))
    assert "3 acuerdos en 2 estados y 1 territorio de EE. UU." in spanish


def test_the_texas_numbers_say_how_current_the_list_is(client, lists):
    text = page_text(client.get("/"))
    assert "show no sheriff agreement on this list" in text and "on this list yet" not in text
    assert (
        "ICE's list of May 18, 2026 predates SB 8's reported deadline of Dec. 1, 2026: it cannot show what Texas sheriffs"
        in text
    )
    confirm_newest(Snapshot.Kind.PARTICIPATING, datetime.date(2026, 12, 6))
    text = page_text(client.get("/"))
    assert (
        "ICE's list of May 18, 2026 was still its newest when last checked, on Dec. 6, 2026, after SB 8"
        in text
    )
