"""Explainer pages: every page in both languages, safe rendering, citations, stats from the database, links."""

import datetime
import re
import tomllib
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from counties.models import Agency, Agreement, County, Snapshot
from counties.status import Status, county_status
from explainer import content
from explainer.content import ContentError, Page, parse_page, render_page
from explainer.content import loading as content_loading
from explainer.stats import STATS, SiteStats
from tests import factsheet
from tests.counties.factories import AgreementFactory, CountyFactory, SnapshotFactory
from tests.explainer.pages import make_page

LANGS = [code for code, _name in settings.LANGUAGES]
PAGES = sorted(content.pages())
FIXTURE_SOURCES = Path(settings.BASE_DIR) / "fixtures" / "SOURCES.md"


class LinkParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs, self.ids, self.stats, self.title = [], set(), {}, ""
        self._stat = None
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.hrefs.append(attrs["href"])
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if attrs.get("data-stat"):
            self._stat = attrs["data-stat"]
        self._in_title = tag == "title"

    def handle_endtag(self, tag):
        self._stat = None
        self._in_title = False

    def handle_data(self, data):
        if self._stat:
            self.stats.setdefault(self._stat, []).append(data)
        if self._in_title:
            self.title += data


def parsed(html):
    parser = LinkParser()
    parser.feed(html)
    return parser


def url_of(lang, slug):
    with translation.override(lang):
        return reverse("explainer:page", args=[slug])


# --- the content files ----------------------------------------------------------------------------------


def test_content_files_have_no_errors():
    assert content.content_errors() == []


def test_every_page_exists_in_every_language():
    slugs = {slug for (_lang, slug) in PAGES}
    assert {(lang, slug) for lang in LANGS for slug in slugs} == set(PAGES)


def test_titles_and_descriptions_are_unique_per_language():
    for lang in LANGS:
        pages = content.pages_in(lang)
        assert len({p.title for p in pages}) == len(pages)
        assert len({p.description for p in pages}) == len(pages)


def test_front_matter_mistakes_get_a_clear_message():
    with pytest.raises(ContentError, match=r"must start with a \+\+\+ line"):
        parse_page("# no front matter", slug="x", lang="en")
    with pytest.raises(ContentError, match="no closing"):
        parse_page('+++\ntitle = "x"\n', slug="x", lang="en")
    with pytest.raises(ContentError, match="not valid TOML"):
        parse_page("+++\ntitle = \n+++\n", slug="x", lang="en")
    with pytest.raises(ContentError, match="needs `reviewed`"):
        parse_page('+++\ntitle = "x"\ndescription = "y"\norder = 1\n+++\nbody', slug="x", lang="en")


def test_sources_registry_copies_the_fact_sheet_exactly():
    """Numbers below 901 are FACTS.md's Sources list; 901 on are the shipped data in fixtures/SOURCES.md."""
    registry = content.sources()
    listed = factsheet.sources()
    fixtures = FIXTURE_SOURCES.read_text(encoding="utf-8")
    for number, source in registry.items():
        if number < content.SHIPPED_DATA_FIRST:
            entry = listed[number].replace("*", "")
            for url in (source.url, *source.also):
                assert not url or url in entry, (number, url)
            assert source.url or "URL not in the copy" in entry or "http" not in entry, number
            if number >= 93:  # copied word for word since section (h); older entries were shortened by hand
                for value in (source.title, source.publisher, source.date):
                    assert value in entry or value == "n.d.", (number, value)
        elif source.url:
            assert source.url in fixtures, (number, source.url)
    assert all(n in listed for n in registry if n < content.SHIPPED_DATA_FIRST)


def test_fact_sheet_numbers_can_never_reach_the_shipped_data_numbers():
    """If FACTS.md's Sources list ever reaches 901, move SHIPPED_DATA_FIRST (and the citations) up first."""
    assert max(factsheet.sources()) < content.SHIPPED_DATA_FIRST
    assert all(
        (n >= content.SHIPPED_DATA_FIRST) == (s.note == content.SHIPPED_DATA_NOTE)
        for n, s in content.sources().items()
    )
    assert sorted(n for n in content.sources() if n >= content.SHIPPED_DATA_FIRST) == list(range(901, 910))


def test_a_shipped_data_source_below_901_is_refused(tmp_path):
    bad = tmp_path / "sources.toml"
    bad.write_text(
        '[[source]]\nnumber = 104\ntitle = "t"\npublisher = "p"\nnote = "fixtures/SOURCES.md"\n',
        encoding="utf-8",
    )
    with pytest.raises(ContentError, match="numbers from 901 are the shipped data"):
        content.load_sources(bad)


# --- rendering is safe ----------------------------------------------------------------------------------


def test_raw_html_scripts_and_images_in_content_are_escaped():
    body = (
        '<script>alert(1)</script>\n\n<b onclick="x()">bold</b> [x](javascript:alert(1)) '
        '![img](https://evil.example/x.png) [[term:x"onmouseover=alert(1)|t]] '
        '[[county:tx/<script>|c]] [[page:models#"><script>|m]]\n\n<iframe src=//evil.example></iframe>'
    )
    html = str(render_page(make_page(body), SiteStats()).html)
    assert "<script" not in html and "<iframe" not in html and "<img" not in html and "<b " not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'href="javascript:' not in html
    assert "onmouseover=" not in html.replace(
        "onmouseover=alert", ""
    )  # only as escaped text, never an attribute
    assert not re.search(r"<[a-z]+[^>]* on[a-z]+=", html)


def test_unknown_sources_stats_terms_and_pages_are_errors():
    body = "A [@999]. B [[stat:no_such_stat]]. C [[page:no-such-page|x]]. D [[term:Bad Slug|y]]."
    rendered = render_page(make_page(body), SiteStats())
    assert rendered.errors == [
        "unknown source [@999]",
        "unknown stat [[stat:no_such_stat]]",
        "unknown page [[page:no-such-page]]",
        "bad term slug [[term:Bad Slug]]",
    ]
    assert str(rendered.html).count("[?]") == 4


def test_content_errors_report_a_broken_page(monkeypatch):
    broken = make_page("Cites [@999] and [[term:no-such-term|x]] and [[stat:nope]].", slug="about")
    monkeypatch.setattr(
        content_loading, "pages", lambda: {**dict(content._load_all()[1]), ("en", "about"): broken}
    )
    errors = content.content_errors()
    assert "en/about.md: unknown source [@999]" in errors
    assert "en/about.md: unknown stat [[stat:nope]]" in errors
    assert any("[[term:no-such-term]] has no {#no-such-term} heading" in e for e in errors)


def test_citations_are_numbered_per_page_in_order_of_first_use():
    rendered = render_page(make_page("One [@35]. Two [@3; @35]. Three [@3]."), SiteStats())
    assert [(n, s.number) for n, s in rendered.sources] == [(1, 35), (2, 3)]
    html = str(rendered.html)
    assert html.count('href="#source-1"') == 2 and html.count('href="#source-2"') == 2


def test_heading_anchor_syntax_sets_a_fixed_id():
    html = str(render_page(make_page("## Task Force {#task-force}\n\ntext [@5]"), SiteStats()).html)
    assert '<h2 id="task-force">Task Force</h2>' in html


def test_tables_of_three_columns_read_as_a_list_on_phones_and_every_table_may_scroll(db):
    body = (
        "| Model | [[page:models#task-force\\|Task Force]] `n` | In Texas |\n|---|---|---|\n| One | 1 | 2 |\n\n"
        "| a | b |\n|---|---|\n| x | y |\n"
    )
    html = str(render_page(make_page(body), SiteStats()).html)
    wide, narrow = html.split("</table>")[:2]
    assert wide.startswith('<div class="table-scroll"><table class="stack" role="table">')
    assert '<th scope="row" role="rowheader">One</th>' in wide  # the first cell names its row
    assert '<td role="cell" data-label="Task Force n">1</td>' in wide  # header words, link and code
    assert '<td role="cell" data-label="In Texas">2</td>' in wide
    assert '<div class="table-scroll"><table>' in narrow and "data-label" not in narrow
    assert "<td>x</td>" in narrow
    assert html.count('<div class="table-scroll">') == html.count("</table>\n</div>") == 2


def test_references_work_inside_table_cells_and_broken_ones_are_reported(db):
    body = "| a | b |\n|---|---|\n| [[page:glossary#detainer\\|Detainer]] | [[stat:agreements]] |\n\n[[stat:agreements"
    rendered = render_page(make_page(body), SiteStats())
    assert '<td><a href="/glossary/#detainer">Detainer</a></td>' in str(rendered.html)
    assert rendered.errors == [
        "not understood: '[[stat:agreements' (in a table, write \\| before the shown text)"
    ]


def test_links_to_planned_pages_that_do_not_exist_yet_are_plain_text(monkeypatch):
    monkeypatch.setattr(content_loading, "page_slugs", lambda: ["what-is-287g"])
    rendered = render_page(make_page("See [[page:debate|the debate]]."), SiteStats())
    assert rendered.errors == []
    assert "the debate" in str(rendered.html) and "<a" not in str(rendered.html)


# --- words chosen by the date ([[when:…|…]]) -----------------------------------------------------------

BEFORE, ON, AFTER = (content.deadline_days()[case] for case in content.DEADLINE_CASES)
WHEN_BODY = (
    "The deadline [[when:before-deadline|is December 1, 2026 [@19]]][[when:on-deadline|is today [@19]]]"
    "[[when:after-deadline|was December 1, 2026 [@19]]]. [[when:on-deadline,after-deadline|It has come.]]\n\n"
    "[[when:after-deadline|\n## After {#after}\n\n- one [[stat:ice_list_date]] [@35]\n- two\n]]\n\nEnd."
)


def test_the_deadline_date_comes_from_counties_status():
    from counties.deadline import SB8_DEADLINE

    assert ON == SB8_DEADLINE and BEFORE < ON < AFTER
    assert [content.deadline_case(day) for day in (BEFORE, ON, AFTER)] == list(content.DEADLINE_CASES)
    assert content.deadline_case(datetime.date(2030, 1, 1)) == "after-deadline"


def test_when_keeps_the_words_for_the_day_and_drops_the_others():
    errors = []
    assert content.choose_by_date(WHEN_BODY, BEFORE, errors).startswith(
        "The deadline is December 1, 2026 [@19]. \n"
    )
    assert content.choose_by_date(WHEN_BODY, ON, errors).startswith(
        "The deadline is today [@19]. It has come."
    )
    after = content.choose_by_date(WHEN_BODY, AFTER, errors)
    assert after.startswith("The deadline was December 1, 2026 [@19]. It has come.")
    assert "## After {#after}" in after and "- one [[stat:ice_list_date]] [@35]" in after
    assert errors == []


def test_when_renders_citations_stats_and_blocks_inside_it(db):
    page = make_page(WHEN_BODY)
    before = render_page(page, SiteStats(), day=BEFORE)
    after = render_page(page, SiteStats(), day=AFTER)
    assert before.errors == after.errors == []
    assert "is December 1, 2026" in str(before.html) and 'id="after"' not in str(before.html)
    assert "was December 1, 2026" in str(after.html) and '<h2 id="after">After</h2>' in str(after.html)
    assert [s.number for _n, s in before.sources] == [19]
    assert [s.number for _n, s in after.sources] == [19, 35]
    assert after.stats == ["ice_list_date"]


def test_when_output_is_escaped_like_everything_else():
    body = '[[when:before-deadline|<script>alert(1)</script> [[term:x"onmouseover=alert(1)|t]]]]'
    html = str(render_page(make_page(body), SiteStats(), day=BEFORE).html)
    assert (
        "<script" not in html and "&lt;script&gt;" in html and not re.search(r"<[a-z]+[^>]* on[a-z]+=", html)
    )


def test_when_mistakes_are_reported_on_every_day():
    for body, message in [
        ("[[when:someday|x]]", "unknown case in [[when:someday|…]]"),
        ("[[when:before-deadline|x [@19]", "has no closing ]]"),
        ("[[when:before-deadline|a]b]]", "has no closing ]]"),
        ("[[when before-deadline|x]]", "not understood: '[[when'"),
    ]:
        for day in (BEFORE, ON, AFTER):
            rendered = render_page(make_page(body), SiteStats(), day=day)
            assert any(message in error for error in rendered.errors), (body, day, rendered.errors)


def test_content_check_sees_every_case_of_a_page(monkeypatch):
    broken = make_page("Fine today. [@19] [[when:after-deadline|Later [@999].]]", slug="about")
    monkeypatch.setattr(
        content_loading, "pages", lambda: {**dict(content._load_all()[1]), ("en", "about"): broken}
    )
    assert "en/about.md: unknown source [@999]" in content.content_errors()


def test_descriptions_are_chosen_by_the_date_too():
    page = make_page("Body [@19].")
    page = Page(
        **{
            **page.__dict__,
            "description_text": "SB 8. [[when:before-deadline|Due Dec. 1.]][[when:on-deadline|Due today.]][[when:after-deadline|It was due Dec. 1.]]",
        }
    )
    assert [page.description_on(day) for day in (BEFORE, ON, AFTER)] == [
        "SB 8. Due Dec. 1.",
        "SB 8. Due today.",
        "SB 8. It was due Dec. 1.",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGS)
def test_the_sb8_page_reads_differently_before_on_and_after_the_deadline(client, monkeypatch, lang):
    """The page (body and description) is chosen by timezone.localdate(), and so are its cache key and ETag."""
    from django.utils import timezone

    seen = {}
    for day in (BEFORE, ON, AFTER):
        monkeypatch.setattr(timezone, "localdate", lambda day=day: day)
        response = client.get(url_of(lang, "texas-sb8"))
        html = response.content.decode()
        description = content.get_page(lang, "texas-sb8").description_on(day)
        assert f'<meta name="description" content="{escape(description)}">' in html
        seen[day] = (html.split('<div class="prose">', 1)[1], description, response["ETag"])
    assert len({body for body, _d, _e in seen.values()}) == 3
    assert len({d for _b, d, _e in seen.values()}) == 3
    assert len({etag for _b, _d, etag in seen.values()}) == 3


def test_the_deadline_is_never_told_in_the_future_tense_after_it_passed():
    """After December 1, 2026 no page says sheriffs "must apply by" it or "have until" it; never "antes del"."""
    future = re.compile(
        r"must (?:apply|ask|request)[^.]{0,40}\bby\b|have until|has until|will have to|"
        r"tienen hasta|tienen que (?:solicitar|pedir|cumplir)[^.]{0,40}(?:antes|a más tardar)",
        re.I,
    )
    for (lang, slug), page in content.pages().items():
        text = content.choose_by_date(page.body, AFTER, []) + page.description_on(AFTER)
        assert not future.search(text), (lang, slug, future.search(text).group(0))
    for page in content.pages().values():
        assert "antes del 1 de diciembre" not in (page.body + page.description_text)


# --- pages over HTTP ------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("lang", "slug"), PAGES)
def test_page_renders_with_title_reviewed_date_and_sources(client, lang, slug):
    page = content.get_page(lang, slug)
    response = client.get(url_of(lang, slug))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    doc = parsed(html)
    assert doc.title.startswith(page.title + " · ")
    assert f'<meta name="description" content="{escape(page.description)}">' in html
    assert f'<time datetime="{page.reviewed:%Y-%m-%d}">' in html
    assert "sources-heading" in doc.ids
    if not page.self_sourced:
        assert "source-1" in doc.ids
    assert "content-error" not in html
    assert re.findall(r"<h1[ >]", html) == ["<h1>"], "one h1 per page: the title"
    assert response.cookies == {}


@pytest.mark.django_db
def test_page_titles_are_unique_across_the_site(client):
    titles = [parsed(client.get(url_of(lang, slug)).content.decode()).title for lang, slug in PAGES]
    assert len(set(titles)) == len(titles)


@pytest.mark.django_db
def test_every_internal_link_on_every_page_resolves(client, shipped):
    checked: dict[str, set] = {}

    def ids_at(path):
        if path not in checked:
            response = client.get(path)
            assert response.status_code == 200, path
            checked[path] = (
                parsed(response.content.decode()).ids if "html" in response["Content-Type"] else set()
            )
        return checked[path]

    for lang, slug in PAGES:
        here = url_of(lang, slug)
        doc = parsed(client.get(here).content.decode())
        for href in doc.hrefs:
            if href.startswith("#"):
                assert href[1:] in doc.ids, (here, href)
            elif href.startswith("/") and not href.startswith("//"):
                path, _hash, anchor = href.partition("#")
                ids = ids_at(path.split("?")[0])
                assert not anchor or anchor in ids, (here, href)
            else:
                assert href.startswith("https://") or href.startswith("http://"), (here, href)


@pytest.mark.django_db
def test_unknown_slug_is_404_in_both_languages(client):
    """A 404 has no address in the other language: its language link goes to that language's home page
    (it led back to the same English page, labelled "Español"), and it names no alternate page."""
    english, spanish = client.get("/no-such-page/"), client.get("/es/no-such-page/")
    assert (english.status_code, spanish.status_code) == (404, 404)
    assert '<a href="/es/" hreflang="es" lang="es">Español</a>' in english.content.decode()
    assert '<a href="/" hreflang="en" lang="en">English</a>' in spanish.content.decode()
    for response in (english, spanish):
        assert 'rel="alternate" hreflang' not in response.content.decode()


@pytest.mark.django_db
def test_language_switch_and_hreflang_keep_the_same_page(client):
    html = client.get("/what-is-287g/").content.decode()
    assert f'<link rel="alternate" hreflang="es" href="{settings.SITE_URL}/es/what-is-287g/">' in html
    assert f'<link rel="alternate" hreflang="en" href="{settings.SITE_URL}/what-is-287g/">' in html
    assert f'<link rel="alternate" hreflang="x-default" href="{settings.SITE_URL}/what-is-287g/">' in html
    assert 'href="/es/what-is-287g/" hreflang="es"' in html
    es = client.get("/es/what-is-287g/").content.decode()
    assert 'href="/what-is-287g/" hreflang="en"' in es
    assert '<link rel="alternate" hreflang="es" href="' + settings.SITE_URL + '/es/what-is-287g/">' in es


@pytest.mark.django_db
def test_navigation_links_to_the_main_explainer_pages(client):
    for lang in LANGS:
        html = client.get(url_of(lang, "what-is-287g")).content.decode()
        nav = html.split("<nav aria-label=", 1)[1].split("</nav>", 1)[0]
        assert f'href="{url_of(lang, "what-is-287g")}"' in nav
        assert f'href="{url_of(lang, "glossary")}"' in nav
        menu = [p for p in content.pages_in(lang) if p.menu]
        assert len(menu) <= 5, "the top menu stays short enough for a phone"


# --- numbers from the database --------------------------------------------------------------------------


def expected_stats():
    """Each stat counted independently of explainer.stats, the slow and obvious way."""
    snapshot = Snapshot.objects.order_by("-as_of").first()
    if snapshot is None:
        return {}
    current = Agreement.objects.filter(is_current=True)
    tx = list(County.objects.filter(state__code="TX").select_related("state"))
    return {
        "ice_list_date": snapshot.as_of,
        "agreements": current.count(),
        "agreements_jail": current.filter(model="jail").count(),
        "agreements_warrant": current.filter(model="warrant").count(),
        "agreements_task_force": current.filter(model="task-force").count(),
        "tx_agreements": current.filter(agency__state__code="TX").count(),
        "tx_agreements_jail": current.filter(agency__state__code="TX", model="jail").count(),
        "tx_agreements_warrant": current.filter(agency__state__code="TX", model="warrant").count(),
        "tx_agreements_task_force": current.filter(agency__state__code="TX", model="task-force").count(),
        "agencies": Agency.objects.filter(agreements__is_current=True).distinct().count(),
        "sheriff_agencies": Agency.objects.filter(agreements__is_current=True, kind="sheriff")
        .distinct()
        .count(),
        "police_agencies": Agency.objects.filter(agreements__is_current=True, kind="police")
        .distinct()
        .count(),
        "tx_counties": len(tx) or None,
        "tx_counties_with_sheriff_agreement": (
            sum(county_status(c, snapshot).code == Status.SHERIFF for c in tx) if tx else None
        ),
    }


@pytest.fixture
def some_agreements(db):
    """Make sure there is an ICE list and agreements to count, whether or not the shipped data is loaded."""
    newest = Snapshot.objects.order_by("-as_of").first()
    snapshot = newest or SnapshotFactory(as_of=datetime.date(2026, 5, 18))
    county = CountyFactory()
    AgreementFactory(agency__county=county, agency__state=county.state, first_listed=snapshot, model="jail")
    AgreementFactory(
        agency__county=county, agency__state=county.state, first_listed=snapshot, model="task-force"
    )
    AgreementFactory(
        agency__county=county,
        agency__state=county.state,
        first_listed=snapshot,
        is_current=False,
        model="warrant",
    )
    return snapshot


@pytest.mark.parametrize("lang", LANGS)
def test_numbers_quoted_on_pages_match_the_database(client, some_agreements, lang):
    expected = expected_stats()
    html = client.get(url_of(lang, "what-is-287g")).content.decode()
    shown = parsed(html).stats
    assert shown, "the page quotes numbers from the database"
    with translation.override(lang):
        stats = SiteStats()
        for name, values in shown.items():
            assert set(values) == {stats.display(name)}
            if name in expected:
                assert stats.raw(name) == expected[name], name
    assert set(expected) - {"tx_counties"} <= set(STATS)


@pytest.mark.django_db
def test_every_named_stat_is_computed():
    values = SiteStats()
    for name in STATS:
        values.display(name)  # no KeyError, no crash


def test_stats_say_not_known_without_an_ice_list(db):
    assert not Snapshot.objects.exists()  # tests start on an empty database
    with translation.override("en"):
        stats = SiteStats()
        assert stats.display("agreements") == "not known"
        assert stats.display("ice_list_date") == "not known"
        assert stats.display("tx_counties_with_sheriff_agreement") == "not known"
    with translation.override("es"):
        assert SiteStats().display("agreements") != "0"


def test_stats_page_runs_a_fixed_number_of_queries(client, some_agreements, django_assert_num_queries):
    # One query for the data version (counties/pagecache.py), then the page's own.
    with django_assert_num_queries(6):  # + the shared copy looked up, then kept
        assert client.get("/what-is-287g/").status_code == 200
    with django_assert_num_queries(3):  # a page without stats: the version, the shared copy, keeping it
        assert client.get("/es/glossary/").status_code == 200
    with django_assert_num_queries(1):  # rendered once per data version
        assert client.get("/what-is-287g/").status_code == 200


def test_spanish_numbers_and_dates_read_naturally(some_agreements):
    with translation.override("es"):
        assert SiteStats().display("ice_list_date").endswith(f"de {some_agreements.as_of.year}")
    from django.utils.formats import number_format

    with translation.override("es"):
        assert number_format(1316, force_grouping=True) == "1,316"


# --- sitemap --------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_sitemap_lists_every_public_page_in_both_languages(client):
    county = CountyFactory(name="Sitemap Sample County", slug="sitemap-sample-county")
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    xml = response.content.decode()
    locs = set(re.findall(r"<loc>([^<]+)</loc>", xml))
    for lang, slug in PAGES:
        assert settings.SITE_URL + url_of(lang, slug) in locs
    assert settings.SITE_URL + "/" in locs and settings.SITE_URL + "/es/" in locs
    assert settings.SITE_URL + county.get_absolute_url() in locs
    with translation.override("es"):
        assert settings.SITE_URL + county.get_absolute_url() in locs
        assert settings.SITE_URL + county.state.get_absolute_url() in locs
    assert f'hreflang="es" href="{settings.SITE_URL}/es/what-is-287g/"' in xml
    assert 'hreflang="x-default"' in xml
    assert response.cookies == {}


def test_sources_toml_parses_and_has_no_duplicates():
    with content.SOURCES_FILE.open("rb") as fh:
        numbers = [s["number"] for s in tomllib.load(fh)["source"]]
    assert len(numbers) == len(set(numbers)) == len(content.sources())


# --- pages with special promises -----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGS)
def test_models_page_has_the_three_fixed_anchors_and_a_comparison_table(client, lang):
    doc = parsed(client.get(url_of(lang, "models")).content.decode())
    assert {"jail-enforcement", "warrant-service-officer", "task-force"} <= doc.ids
    html = client.get(url_of(lang, "models")).content.decode()
    table = html.split('<table class="stack" role="table">')[1].split("</table>")[0]
    assert table.count('role="columnheader"') == 4  # a blank corner, then the three models
    # A list on phones: each row named by its first cell, each other cell labelled with its model.
    assert table.count('<th scope="row" role="rowheader">') >= 5
    assert table.count('data-label="') == 3 * table.count('<th scope="row"')


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGS)
def test_sources_page_lists_every_source_cited_anywhere(client, lang):
    html = client.get(url_of(lang, "sources")).content.decode()
    ids = parsed(html).ids
    cited = {n for page in content.pages_in(lang) for n in content.cited_numbers(page)}
    assert cited and {f"fact-source-{n}" for n in cited} <= ids


def test_privacy_page_promise_matches_the_access_log_format():
    """The privacy page says the log keeps neither IP address nor search text: true of `make run` (its gunicorn config)."""
    import runpy

    log_format = runpy.run_path(str(Path(settings.BASE_DIR) / "config" / "gunicorn.conf.py"))[
        "access_log_format"
    ]
    assert "config/gunicorn.conf.py" in (Path(settings.BASE_DIR) / "Makefile").read_text()
    for field in ("%(h)s", "%(r)s", "%(q)s", "%({x-forwarded-for}i)s", "%(a)s"):
        assert field not in log_format, field  # remote address, request line with query, query, user agent
    assert "%(U)s" in log_format  # the path without the query string
    assert "IP address" in content.get_page("en", "privacy").body
