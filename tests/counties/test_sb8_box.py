"""The SB 8 box, the county's sentence on the flyer and the card, and "What this means for you": what the law
says ("shall request and enter into", FACTS.md h1), chosen by the day against the reported deadline, with
what both of ICE's lists (agreements and pending requests) show for the sheriff, each with its date."""

import re
from datetime import date, datetime

import pytest
from django.utils import timezone

from counties import pagecache, wording
from counties.importers.ice import import_list
from counties.importers.sync import _confirm_newest as confirm_newest
from counties.models import County, Snapshot
from counties.status import county_status
from tests.counties.workbooks import PENDING, name, pending_row, tf, workbook
from tests.pages import page_text

pytestmark = pytest.mark.django_db

STATE_AGENCY = [
    "TEXAS",
    "Texas Department of Testing",
    "State Agency",
    "#N/A",
    "Task Force Model",
    None,
    "link",
]
OKLAHOMA_REQUEST = pending_row(
    "Testville Police Department", "Tulsa County", "Municipality", state="OKLAHOMA"
)


def run(rows, as_of, kind="participating"):
    headers = PENDING if kind == "pending" else None
    data = workbook(rows, headers) if headers else workbook(rows)
    return import_list(data, filename=name(kind, as_of))


def sheriff(county, model="Jail Enforcement Model", signed=datetime(2025, 6, 1)):
    return tf(f"{county} Sheriff's Office", county, signed=signed, kind="County", model=model)


@pytest.fixture
def on_day(monkeypatch):
    def set_day(day):
        monkeypatch.setattr(timezone, "localdate", lambda *args: day)

    return set_day


@pytest.fixture
def lists(texas):
    """ICE's two newest lists as the site holds them: agreements of May 18, 2026 (Tarrant's sheriff and a
    statewide agency), requests of Feb. 27, 2026 (none from Texas)."""
    run([OKLAHOMA_REQUEST], date(2026, 2, 27), "pending")
    run([sheriff("Tarrant County"), STATE_AGENCY], date(2026, 5, 18))
    County.objects.filter(state__code="TX").update(jail_status=County.JailStatus.JAIL)
    return texas


def county_page(client, county_name, lang=""):
    county = County.objects.get(name=county_name, state__code="TX")
    return page_text(client.get(f"{lang}/counties/tx/{county.slug}/"))


def sb8_box(text: str) -> str:
    return text[text.index("Texas SB 8: what it asks of this sheriff") : text.index("What SB 8 requires")]


# --- the law's words, chosen by the day ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 11, 23), "The deadline is reported as Dec. 1, 2026: 8 days from today."),
        (date(2026, 11, 30), "The deadline is reported as Dec. 1, 2026: 1 day from today."),
        (date(2026, 12, 1), "The deadline is reported as Dec. 1, 2026: that is today."),
        (date(2027, 1, 5), "The reported deadline, Dec. 1, 2026, has passed."),
    ],
)
def test_the_law_says_request_and_enter_into_and_the_deadline_follows_the_day(
    client, lists, on_day, day, expected
):
    on_day(day)
    box = sb8_box(county_page(client, "Dallas County"))
    assert (
        "“shall request and enter into” an agreement with ICE: asking alone is not what the law says." in box
    )
    assert expected in box
    assert "request or enter" not in box and "seek" not in box
    if day < date(2026, 12, 1):
        assert "predates" not in box
    else:
        assert (
            "ICE's list of May 18, 2026 predates SB 8's reported deadline of Dec. 1, 2026: it cannot show what the sheriff "
            "has done since."
        ) in box


def test_a_county_without_a_jail_is_not_bound_and_is_not_told_the_deadline_is_today(client, lists, on_day):
    on_day(date(2026, 12, 1))
    County.objects.filter(name="Falls County").update(jail_status=County.JailStatus.NO_JAIL)
    box = sb8_box(county_page(client, "Falls County"))
    assert "Texas Senate Bill 8 does not bind this sheriff." in box
    assert "the Texas Commission on Jail Standards lists no jail in Falls County" in box
    assert "The Texas Commission on Jail Standards (TCJS) is the state agency" in box
    assert "today" not in box and "deadline" not in box


def test_a_jail_status_an_editor_changed_is_credited_to_the_editors_in_both_languages(client, lists, on_day):
    on_day(date(2026, 12, 7))
    County.objects.filter(name="Falls County").update(
        jail_status=County.JailStatus.NO_JAIL,
        jail_status_source=County.JailSource.EDITOR,
        jail_status_as_of=date(2026, 12, 5),
    )
    page = county_page(client, "Falls County")
    box = sb8_box(page)
    assert box.count("Our editors' check of Dec. 5, 2026: Falls County does not run a county jail") == 1
    assert "our editors found that Falls County has no jail" in box
    assert "jail commission's report" not in box and "Jail Standards lists no jail" not in box
    assert "Jail status: checked by our editors (Dec. 5, 2026)." in page
    spanish = county_page(client, "Falls County", "/es")
    assert "Revisión de nuestros editores del 5 de diciembre de 2026:" in spanish
    assert "nuestros editores comprobaron que el condado de Falls no tiene cárcel" in spanish
    assert "Cárcel: dato revisado por nuestros editores (5 de diciembre de 2026)." in spanish
    # A change from before the site kept its day (migration 0026) says no day.
    County.objects.filter(name="Falls County").update(jail_status_as_of=None)
    pagecache.data_changed()  # a bulk update sends no signal: the kept page is stale
    assert "Our editors' check: Falls County does not run" in sb8_box(county_page(client, "Falls County"))
    # A county no editor changed credits the report.
    County.objects.filter(name="Tarrant County").update(jail_status_as_of=date(2026, 7, 1))
    pagecache.data_changed()
    tarrant = sb8_box(county_page(client, "Tarrant County"))
    assert "The Texas jail commission's report of July 1, 2026: Tarrant County runs a county jail." in tarrant


def test_unknown_jail_status_says_so(client, lists):
    County.objects.filter(name="Falls County").update(jail_status=County.JailStatus.UNKNOWN)
    box = sb8_box(county_page(client, "Falls County"))
    assert "We cannot say whether Texas Senate Bill 8 binds this sheriff" in box
    # SB 8's test (FACTS c5): a county that runs a jail or pays a private company to run one.
    assert (
        "We do not know whether Falls County runs a county jail or pays a private company to run one." in box
    )


# --- both of ICE's lists, with their dates ---------------------------------------------------------------


def test_a_sheriff_on_neither_list_says_both_dates_and_that_no_texas_request_is_pending(client, lists):
    text = county_page(client, "Dallas County")
    box = sb8_box(text)
    assert (
        "Neither of ICE's lists shows this sheriff: not its list of agreements of May 18, 2026, nor its list of "
        "pending requests of Feb. 27, 2026."
    ) in box
    # ICE has published participating lists since its last pending list: the sentence is not today's news.
    assert (
        "ICE's last pending list, of Feb. 27, 2026, had no request from any Texas agency. ICE has published no "
        "pending list since that we know of, so it cannot show who has asked since."
    ) in box
    assert "ICE's pending list of Feb. 27, 2026 has no request" not in box
    # One consistent sentence about the statewide agency (not "no other agency", then a statewide list).
    assert (
        "No local agency in Dallas County has an agreement on ICE's list, but 1 agency of the Texas state "
        "government has one (see below)."
    ) in text
    assert "No other agency in Dallas County" not in text


def test_a_request_that_became_an_agreement_says_when_and_how_long_it_took(client, texas):
    run([pending_row("Collin County Sheriff's Office", "Collin County")], date(2026, 1, 8), "pending")
    run([OKLAHOMA_REQUEST], date(2026, 2, 27), "pending")
    run([sheriff("Collin County", signed=datetime(2026, 1, 20))], date(2026, 1, 26))
    box = sb8_box(county_page(client, "Collin County"))
    assert "ICE's list of Jan. 26, 2026 shows an agreement for this sheriff: Jail Enforcement." in box
    assert (
        "The sheriff asked first: the request (Jail Enforcement) was on ICE's pending list of Jan. 8, 2026, and "
        "the agreement on its list of Jan. 26, 2026, 18 days later."
    ) in box


def test_a_sheriff_with_two_models_has_agreements_in_both_languages(client, texas):
    run([sheriff("Denton County"), sheriff("Denton County", model="Task Force Model")], date(2026, 1, 26))
    box = sb8_box(county_page(client, "Denton County"))
    assert (
        "ICE's list of Jan. 26, 2026 shows agreements for this sheriff: Jail Enforcement and Task Force."
        in box
    )
    spanish = county_page(client, "Denton County", "/es")
    spanish_box = spanish[spanish.index("SB 8 de Texas: lo que le pide a este alguacil") :]
    assert "La lista de ICE del 26 de enero de 2026 muestra acuerdos de este alguacil:" in spanish_box


def test_a_pending_request_is_not_an_agreement(client, texas):
    run([pending_row("Denton County Sheriff's Office", "Denton County")], date(2026, 2, 27), "pending")
    run([sheriff("Tarrant County")], date(2026, 5, 18))
    box = sb8_box(county_page(client, "Denton County"))
    assert (
        "The sheriff has asked for an agreement (Jail Enforcement): the request is on ICE's pending list of "
        "Feb. 27, 2026. ICE's list of May 18, 2026 does not show an agreement yet, and a request alone is not one."
    ) in box
    assert "no request from any Texas agency" not in box


def test_a_request_gone_without_an_agreement_is_told_as_such(client, texas):
    run([pending_row("Ellis County Sheriff's Office", "Ellis County")], date(2025, 8, 28), "pending")
    run([OKLAHOMA_REQUEST], date(2025, 9, 3), "pending")
    run([sheriff("Tarrant County")], date(2025, 10, 1))
    box = sb8_box(county_page(client, "Ellis County"))
    assert (
        "The sheriff asked for an agreement (Jail Enforcement): the request was on ICE's pending lists from "
        "Aug. 28, 2025 to Aug. 28, 2025, and was gone from its list of Sept. 3, 2025 without an agreement."
    ) in box
    assert "ICE's list of Oct. 1, 2025 shows no agreement for this sheriff." in box


def test_after_the_deadline_the_last_list_before_it_is_told_apart_from_the_newest(
    client, lists, on_day, django_assert_max_num_queries
):
    on_day(date(2026, 12, 20))
    run(
        [sheriff("Tarrant County"), STATE_AGENCY, sheriff("Dallas County", "Task Force Model")],
        date(2026, 12, 15),
    )
    text = county_page(client, "Dallas County")
    assert (
        "As of ICE's list of Dec. 15, 2026, the Dallas County Sheriff's Office has a 287(g) agreement" in text
    )
    box = sb8_box(text)
    assert (
        "On ICE's last list dated on or before the deadline, of May 18, 2026, this sheriff had no agreement."
    ) in box
    assert "What follows is from ICE's newest lists." in box
    tarrant = sb8_box(county_page(client, "Tarrant County"))
    assert (
        "On ICE's last list dated on or before the deadline, of May 18, 2026, this sheriff had an agreement: "
        "Jail Enforcement."
    ) in tarrant


def test_a_list_confirmed_after_the_deadline_says_so_on_every_surface(client, lists, on_day):
    """After Dec. 1, 2026 every surface that states a Texas status says how current ICE's list is: that it
    predates the deadline, or, once a check found ICE still serving it, the date of that check."""
    on_day(date(2026, 12, 6))
    predates = "ICE's list of May 18, 2026 predates SB 8's reported deadline of Dec. 1, 2026"
    confirmed = (
        "ICE's list of May 18, 2026 was still its newest when last checked, on Dec. 6, 2026, after SB 8's "
        "reported deadline of Dec. 1, 2026; an agreement signed since may not be on it yet."
    )
    surfaces = {
        "county page": "/counties/tx/dallas-county/",
        "flyer": "/counties/tx/dallas-county/print/",
        "embed": "/embed/counties/tx/dallas-county/",
    }
    for url in surfaces.values():
        text = page_text(client.get(url))
        assert predates in text and confirmed not in text, url
    status = county_status(County.objects.get(name="Dallas County"))
    assert predates in wording.status_sentence(status, statewide=False, caveat=False)  # the share image's

    confirm_newest(Snapshot.Kind.PARTICIPATING, date(2026, 12, 6))  # what a check that finds it again does
    for surface, url in surfaces.items():
        text = page_text(client.get(url))
        assert confirmed in text and predates not in text, surface
    assert "cannot show what the sheriff has done since" not in sb8_box(county_page(client, "Dallas County"))
    status = county_status(County.objects.get(name="Dallas County"))
    assert confirmed in wording.status_sentence(status, statewide=False, caveat=False)
    spanish = page_text(client.get("/es/counties/tx/dallas-county/"))
    assert "6 de diciembre de 2026" in spanish and "was still its newest" not in spanish


def test_outside_texas_a_confirmation_is_told_without_the_deadline(client, lists, on_day):
    on_day(date(2026, 12, 6))
    confirm_newest(Snapshot.Kind.PARTICIPATING, date(2026, 12, 6))
    status = county_status(County.objects.get(name="Dallas County"))
    status.county.state.code = "OK"  # the same list, read for a county in another state
    assert wording.list_checked(status) == (
        "ICE's list of May 18, 2026 was still its newest when last checked, on Dec. 6, 2026."
    )


# --- the same words on the flyer and the embeddable card ----------------------------------------------


def test_flyer_and_card_say_the_law_the_statewide_agreements_and_what_a_jail_shares_anyway(
    client, lists, on_day
):
    on_day(date(2026, 12, 1))
    for url in ("/counties/tx/dallas-county/print/", "/es/counties/tx/dallas-county/print/"):
        flyer = page_text(client.get(url))
        assert "“shall request and enter into”" in flyer
        assert "that is today" in flyer
        # the statewide agreement, said once per language in "What this means for you"
        assert "work: across all of Texas, Texas Department of Testing (Task Force)." in flyer
        assert (
            "trabajen estos agentes: en todo el territorio de Texas, Texas Department of Testing, con el modelo "
            "Fuerza de tarea" in flyer
        )
        assert "Even without an agreement, ICE can send a jail a detainer" in flyer
        assert "Where to find legal help" in flyer and "/your-rights/#legal-help" in flyer
    card = page_text(client.get("/embed/counties/tx/dallas-county/"))
    assert "“shall request and enter into”" in card and "that is today" in card
    assert "Texas Department of Testing (Task Force)" in card
    assert "every Texas county jail checks the fingerprints" in card
    assert "request or enter" not in card


def test_what_this_means_for_you_names_the_models_where_they_apply_and_where_help_is(client, lists):
    text = county_page(client, "Tarrant County")
    # on a phone's first screens (issue 23): what it means, your rights and where to get help, then SB 8
    part = text[
        text.index("What this means for you") : text.index("Texas SB 8: what it asks of this sheriff")
    ]
    assert "In jail: Tarrant County Sheriff's Office (Jail Enforcement)." in part
    assert (
        "At a traffic stop, or anywhere these officers work: across all of Texas, Texas Department of Testing "
        "(Task Force)."
    ) in part
    assert "Even without an agreement" not in part  # the sheriff has one
    help_part = part[part.index("Where to get help") : part.index("Your rights Whatever the agreements")]
    for directory in (
        "List of Pro Bono Legal Service Providers",
        "Recognition and Accreditation Program",
        "Find Legal Services",
    ):
        assert directory in help_part
    assert "Only a lawyer or an accredited representative may give you immigration legal help" in help_part
    assert "This page gives general information, not legal advice." in help_part
    dallas = county_page(client, "Dallas County")
    assert "Even without an agreement, ICE can send a jail a detainer" in dallas


def test_every_source_a_county_page_cites_is_on_the_sources_page(client, lists):
    """County pages cite FACTS.md sources by number (#fact-source-N on /sources/): each must be there."""
    import re

    body = client.get("/counties/tx/dallas-county/").content.decode()
    cited = set(re.findall(r'/sources/#fact-source-(\d+)"', body))
    assert {"35", "19", "27", "30", "60", "84", "96"} <= cited
    sources = client.get("/sources/").content.decode()
    missing = [n for n in cited if f'id="fact-source-{n}"' not in sources]
    assert missing == []


def test_a_list_of_the_deadline_or_later_says_when_it_was_last_confirmed(client, lists, on_day):
    on_day(date(2026, 12, 10))
    run([sheriff("Tarrant County"), STATE_AGENCY, sheriff("Denton County")], date(2026, 12, 4))
    text = county_page(client, "Dallas County")
    assert "No check has confirmed ICE's list of Dec. 4, 2026 as its newest since that day." in text
    confirm_newest(Snapshot.Kind.PARTICIPATING, date(2026, 12, 9))
    text = county_page(client, "Dallas County")
    assert "ICE's list of Dec. 4, 2026 was still its newest when last checked, on Dec. 9, 2026." in text


def test_search_results_say_which_list_their_statuses_are_from(client, lists, on_day):
    on_day(date(2026, 12, 6))
    text = page_text(client.get("/counties/?q=Dallas"))
    assert "The statuses below are from ICE's list of May 18, 2026." in text
    assert (
        "ICE's list of May 18, 2026 predates SB 8's reported deadline of Dec. 1, 2026: it cannot show what Texas sheriffs"
        in text
    )


@pytest.mark.parametrize("htmx", [False, True])
def test_a_search_that_finds_agencies_only_dates_their_statuses_too(client, lists, on_day, htmx):
    """An agency's own name finds the agency alone (no county or place): its status ("on ICE's newest
    list") had no date, and a Texas agency no word of SB 8's deadline. The date comes before it, in the
    whole page and in the fragment htmx swaps in."""
    on_day(date(2026, 12, 6))
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    text = page_text(client.get("/counties/?q=Texas+Department+of+Testing", **headers))
    assert "Texas Department of Testing" in text and "on ICE's newest list: Task Force" in text
    dated = "The statuses below are from ICE's list of May 18, 2026."
    assert dated in text and text.index(dated) < text.index("on ICE's newest list: Task Force")
    assert "predates SB 8's reported deadline of Dec. 1, 2026: it cannot show what Texas sheriffs" in text
    texas = page_text(client.get("/counties/?q=tx", **headers))  # the state's own result: SB 8's words too
    assert "Texas: every county" in texas and "predates SB 8's reported deadline" in texas
    spanish = page_text(client.get("/es/counties/?q=Texas+Department+of+Testing", **headers))
    assert "La información de abajo viene de la lista de ICE del 18 de mayo de 2026." in spanish


def test_the_national_page_says_its_list_predates_the_deadline(client, lists, on_day):
    """Its table counts Texas's sheriffs' offices: after the deadline it says, as the home and state pages
    do, that the list behind them predates it (it said only the list's date)."""
    on_day(date(2026, 11, 30))  # before it, nothing of the kind
    assert "predates SB 8" not in page_text(client.get("/counties/national/"))
    on_day(date(2026, 12, 6))  # the page kept on Nov. 30 is not served now
    predates = (
        "ICE's list of May 18, 2026 predates SB 8's reported deadline of Dec. 1, 2026: it cannot show what "
        "Texas sheriffs have done since."
    )
    assert predates in page_text(client.get("/counties/national/"))
    assert (
        "La lista de ICE del 18 de mayo de 2026 es anterior a la fecha límite que se informó para la SB 8, el 1 "
        "de diciembre de 2026: no puede mostrar lo que han hecho los alguaciles de Texas desde entonces."
    ) in page_text(client.get("/es/counties/national/"))


@pytest.mark.parametrize("slug", ["what-is-287g", "history", "texas-sb8", "models"])
def test_explainer_pages_that_count_texas_sheriffs_say_their_list_predates_the_deadline(
    client, lists, on_day, slug
):
    """The pages that quote Texas's numbers from ICE's newest list say, as the county pages do, that the list
    predates the deadline ([[stat:tx_list_currency]]); they gave only its date, or a general rule."""
    on_day(date(2026, 12, 6))
    english = page_text(client.get(f"/{slug}/"))
    assert (
        "ICE's list of May 18, 2026 predates SB 8's reported deadline of Dec. 1, 2026: it cannot show what "
        "Texas sheriffs have done since."
    ) in english
    assert (
        "La lista de ICE del 18 de mayo de 2026 es anterior a la fecha límite que se informó para la SB 8, el 1 "
        "de diciembre de 2026"
    ) in page_text(client.get(f"/es/{slug}/"))


def test_the_sentence_leaves_no_empty_paragraph_when_it_has_nothing_to_say(client, lists, on_day):
    """Before the deadline, with no check since the list's day, [[stat:tx_list_currency]] says nothing:
    texas-sb8.md has it as a paragraph of its own, which must not become an empty <p> (nor an empty span)."""
    on_day(date(2026, 11, 20))
    html = client.get("/texas-sb8/").content.decode()
    assert 'data-stat="tx_list_currency"' not in html
    assert not re.search(r"<p>\s*</p>", html)
    assert 'data-stat="tx_counties"' in html  # the other stats are there


def test_no_page_says_a_list_was_confirmed_that_no_check_saw_after_its_day(client, lists, on_day):
    """The changes page said "the site last confirmed it on ICE's site on May 18, 2026" and a county's
    sources "Last confirmed unchanged on May 18, 2026" of a list nothing had seen after its own day (an
    upload nobody saw ICE serve, too). Both say a check's date only when there was one after the list's."""
    on_day(date(2026, 12, 6))
    changes = page_text(client.get("/changes/"))
    assert "The newest ICE list we have is dated May 18, 2026. ICE's list of May 18, 2026 predates" in changes
    assert "the site last confirmed it" not in changes
    assert "Last confirmed" not in page_text(client.get("/counties/tx/tarrant-county/"))
    confirm_newest(Snapshot.Kind.PARTICIPATING, date(2026, 12, 5))
    changes = page_text(client.get("/changes/?state=tx"))
    assert (
        "ICE's list of May 18, 2026 was still its newest when last checked, on Dec. 5, 2026, after SB 8's"
        in changes
    )
    assert "Last confirmed unchanged on Dec. 5, 2026." in page_text(
        client.get("/counties/tx/tarrant-county/")
    )
    assert "La lista de ICE más reciente que tenemos es del 18 de mayo de 2026." in page_text(
        client.get("/es/changes/")
    )


# --- the Texas map's SB 8 view (issue 23) ----------------------------------------------------------------


def map_categories(html: str) -> dict[str, str]:
    """{county page URL: category} as the map draws them."""
    import re

    return dict(
        re.findall(
            r'<a href="(/(?:es/)?counties/tx/[^"]+/)" aria-label="[^"]+"><path class="m m-([\w-]+)"', html
        )
    )


def test_the_texas_map_has_an_sb8_view_as_of_the_lists_dates(client, texas, on_day):
    on_day(date(2026, 12, 6))
    run([pending_row("Denton County Sheriff's Office", "Denton County")], date(2026, 2, 27), "pending")
    run([sheriff("Tarrant County")], date(2026, 5, 18))
    counties = County.objects.filter(state__code="TX")
    counties.update(jail_status=County.JailStatus.JAIL)
    counties.filter(name="Falls County").update(jail_status=County.JailStatus.NO_JAIL)
    counties.filter(name="Gonzales County").update(jail_status=County.JailStatus.UNKNOWN)
    counties.filter(name="Rockwall County").update(jail_status=County.JailStatus.PRIVATE)

    html = client.get("/counties/tx/?map=sb8").content.decode()
    drawn = map_categories(html)
    assert len(drawn) == counties.count()
    expected = {
        "/counties/tx/tarrant-county/": "sb8-signed",  # an agreement on ICE's list
        "/counties/tx/denton-county/": "sb8-requested",  # only a request on the pending list
        "/counties/tx/dallas-county/": "sb8-neither",
        "/counties/tx/rockwall-county/": "sb8-neither",  # a private jail: SB 8 applies all the same
        "/counties/tx/falls-county/": "sb8-nojail",
        "/counties/tx/gonzales-county/": "sb8-unknown",
    }
    assert {url: drawn[url] for url in expected} == expected
    assert sorted(set(drawn.values())) == sorted(set(expected.values()))
    text = page_text(client.get("/counties/tx/?map=sb8"))
    assert (
        "Agreements as of ICE's list of May 18, 2026; requests as of its pending list of Feb. 27, 2026. SB 8's "
        "reported deadline, Dec. 1, 2026, has passed. ICE's list of May 18, 2026 predates SB 8's reported "
        "deadline of Dec. 1, 2026: it cannot show what Texas sheriffs have done since."
    ) in text
    assert "SB 8 applies: the sheriff has only asked for one (1)" in text  # the list under the map
    assert 'href="/counties/tx/?map=sb8#map" aria-current="true"' in html
    # the ordinary view is the default; the SB 8 view is Texas's only, and any other value is ignored
    assert (
        map_categories(client.get("/counties/tx/").content.decode())["/counties/tx/tarrant-county/"]
        == "sheriff"
    )
    assert map_categories(client.get("/counties/tx/?map=other").content.decode()) == map_categories(
        client.get("/counties/tx/").content.decode()
    )
    spanish = page_text(client.get("/es/counties/tx/?map=sb8"))
    assert "Se aplica la SB 8: el alguacil solo ha pedido un acuerdo (1)" in spanish
    assert "La fecha límite que se informó para la SB 8, el 1 de diciembre de 2026, ya pasó." in spanish


def test_before_the_deadline_the_sb8_map_says_when_it_is(client, texas, on_day):
    on_day(date(2026, 11, 2))
    run([sheriff("Tarrant County")], date(2026, 5, 18))
    text = page_text(client.get("/counties/tx/?map=sb8"))
    assert "this site holds none of ICE's pending lists. SB 8's deadline is reported as Dec. 1, 2026." in text
    assert "predates" not in text.split("Map of Texas's counties")[1].split("Texas's counties by status")[0]


def test_the_laws_own_english_words_are_marked_english_on_spanish_pages(client, lists, on_day):
    """A screen reader reads the law's quoted words in English (WCAG 3.1.2): on the Spanish county page's
    SB 8 box, the flyer and the embeddable card."""
    on_day(date(2026, 12, 7))
    quote = '<span lang="en">“shall request and enter into”</span>'
    for url in (
        "/es/counties/tx/dallas-county/",
        "/es/counties/tx/dallas-county/print/",
        "/es/embed/counties/tx/dallas-county/",
    ):
        response = client.get(url)
        assert response.status_code == 200 and quote in response.content.decode(), url
    english = client.get("/counties/tx/dallas-county/").content.decode()
    assert "“shall request and enter into”" in english and quote not in english


def test_where_we_cannot_say_whether_sb8_binds_the_days_left_hold_for_the_day_only(lists, on_day):
    """The box counts the days left also where the jail status is not known: what it renders holds for that
    day only, as where the law binds (it was kept until the deadline; the county page's other day count
    hid it there, not on every page that says the box's words)."""
    from counties import pagecache
    from counties.sb8 import sb8
    from counties.status import county_status

    day = date(2026, 11, 20)
    on_day(day)
    county = County.objects.get(name="Dallas County", state__code="TX")
    for jail_status in (County.JailStatus.UNKNOWN, County.JailStatus.JAIL, County.JailStatus.NO_JAIL):
        county.jail_status = jail_status
        county.save()
        pagecache._rendering.until = None
        sb8(county_status(county), day)
        held = pagecache._rendering.until
        pagecache._rendering.until = None
        assert (held == date(2026, 11, 21)) == (jail_status != County.JailStatus.NO_JAIL), (jail_status, held)
