"""Figures drawn from the database for explainer pages: numbers equal the database's, queries are fixed."""

import datetime
import re
from xml.etree import ElementTree

import pytest
from django.urls import reverse
from django.utils import translation

from counties.importers.ice import import_list
from counties.importers.lists import model_from
from counties.models import Snapshot
from counties.text import fold
from explainer import figures
from explainer.content import Page, render_page
from explainer.stats import SiteStats
from tests.counties.workbooks import name, texas_counties, tf, workbook

pytestmark = pytest.mark.django_db

SUFFIXES = [suffix for _model, suffix in figures.MODELS]
FIRST, SECOND = datetime.date(2026, 6, 1), datetime.date(2026, 7, 1)


def load(day, rows):
    result = import_list(
        workbook(rows), filename=name("participating", day), as_of=day, allow_large_drop=True
    )
    assert result.outcome == "imported", result.summary()
    return result.snapshot


def ok(agency, model):
    return ["OKLAHOMA", agency, "County", "#N/A", model, datetime.datetime(2026, 1, 1), "link", None]


@pytest.fixture
def two_lists():
    """Two made-up ICE lists: agreements in Oklahoma and in Texas, a duplicate row and an unresolved row."""
    texas_counties()
    first = load(FIRST, [
        ok("Sample County Sheriff's Office", "Jail Enforcement Model"),
        tf("Testville PD"), tf("Testville PD"),  # the same agreement twice
        ["ATLANTIS", "Nowhere PD", "", "", "Task Force Model", None, "link", None],  # unresolved
    ])  # fmt: skip
    second = load(SECOND, [
        ok("Sample County Sheriff's Office", "Jail Enforcement Model"),
        ok("Sample County Sheriff's Office", "Task Force Model"),
        tf("Testville PD"), tf("Testville PD", model="Warrant Service Officer"),
    ])  # fmt: skip
    return first, second


def test_growth_series_counts_agreements_per_list_by_model(two_lists):
    first, second = two_lists
    series = {point["as_of"]: point for point in figures.growth_series()}
    assert series[first.as_of] == {
        "as_of": first.as_of,
        "all_jail": 1, "all_warrant": 0, "all_task_force": 1,
        "tx_jail": 0, "tx_warrant": 0, "tx_task_force": 1,
    }  # fmt: skip
    assert series[second.as_of] == {
        "as_of": second.as_of,
        "all_jail": 1, "all_warrant": 1, "all_task_force": 2,
        "tx_jail": 0, "tx_warrant": 1, "tx_task_force": 1,
    }  # fmt: skip


def test_growth_series_equals_independent_counts_for_every_list(two_lists):
    series = figures.growth_series()
    assert [point["as_of"] for point in series] == sorted(point["as_of"] for point in series)
    for point in series:
        rows = Snapshot.objects.get(as_of=point["as_of"]).rows()
        for model, suffix in figures.MODELS:
            listed = {
                (r[1], fold(r[2]))
                for r in rows
                if model_from(r[5]) == model and r[1] in ("TEXAS", "OKLAHOMA")
            }
            assert point[f"all_{suffix}"] == len(listed)
            assert point[f"tx_{suffix}"] == len({item for item in listed if item[0] == "TEXAS"})


def test_growth_series_takes_a_list_a_year_then_a_month(db):
    lists = [{"as_of": d, "counts": {}} for d in (
        datetime.date(2021, 1, 13), datetime.date(2021, 5, 1), datetime.date(2024, 6, 30), datetime.date(2025, 2, 19),
        datetime.date(2025, 2, 21), datetime.date(2025, 3, 6), datetime.date(2026, 5, 1), datetime.date(2026, 5, 18),
    )]  # fmt: skip
    assert [item["as_of"] for item in figures._chosen(lists)] == [
        datetime.date(2021, 1, 13), datetime.date(2024, 6, 30), datetime.date(2025, 2, 19),
        datetime.date(2025, 3, 6), datetime.date(2026, 5, 1), datetime.date(2026, 5, 18),
    ]  # fmt: skip


def test_growth_series_is_one_query(two_lists, django_assert_num_queries):
    with django_assert_num_queries(1):
        figures.growth_series()


def cells(total, jail, warrant, task_force) -> str:
    """A row's cells in the chart's table: the total first, then each model, each labelled."""
    labelled = [("Total", total), ("Jail Enforcement", jail), ("Warrant Service Officer", warrant)]
    labelled.append(("Task Force", task_force))
    return "".join(f'<td role="cell" data-label="{label}">{n}</td>' for label, n in labelled)


def test_growth_figure_draws_every_list_with_its_numbers(two_lists):
    first, second = two_lists
    with translation.override("en"):
        html = str(figures.render_figure("growth"))
    series = figures.growth_series()
    # Two charts (nationwide, Texas), each with a bar and a table row per list shown.
    assert html.count('<svg class="chart-svg"') == 2
    assert html.count('role="img"') == 2
    assert html.count("<title id=") == 2 and html.count("<desc id=") == 2
    assert html.count('<th scope="row" role="rowheader">') == 2 * len(series)
    for svg in re.findall(r"<svg class=\"chart-svg\".*?</svg>", html, flags=re.S):
        svg = svg.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1)
        tree = ElementTree.fromstring(svg)  # noqa: S314 - our own server-rendered markup
        assert tree.find("{http://www.w3.org/2000/svg}title").text  # well-formed, with a title
    # Each segment is filled with a pattern (not colour alone) and named in words.
    for suffix in SUFFIXES:
        assert f'id="fill-all-{suffix}"' in html and f'id="fill-tx-{suffix}"' in html
    legend = re.findall(r'<ul class="chart-legend">(.*?)</ul>', html, flags=re.S)
    assert len(legend) == 2
    assert [
        re.sub(r"<[^>]+>", "", item).strip() for item in re.findall(r"<li>(.*?)</li>", legend[0], flags=re.S)
    ] == [
        "Jail Enforcement",
        "Warrant Service Officer",
        "Task Force",
    ]
    nationwide, texas_chart = html.split('<figure class="chart" id="chart-tx"')
    label = second.as_of.strftime("%m/%d/%Y")
    # Nationwide second list: 1 jail, 1 warrant, 2 task force, total 4.
    row_start = f'<time datetime="{second.as_of.isoformat()}">{label}</time></th>'
    assert row_start + cells(4, 1, 1, 2) in nationwide
    # Texas second list: 0 jail, 1 warrant, 1 task force, total 2.
    assert row_start + cells(2, 0, 1, 1) in texas_chart
    assert f"{label}: Task Force 2</title>" in nationwide


def test_growth_figure_in_spanish_writes_dates_the_spanish_way(two_lists):
    _first, second = two_lists
    with translation.override("es"):
        html = str(figures.render_figure("growth"))
    assert f">{second.as_of:%d/%m/%Y}</time>" in html
    assert "Acuerdos 287(g) en cada lista de ICE" in html


def test_growth_figure_without_any_list_says_so(monkeypatch):
    monkeypatch.setattr(figures, "growth_series", lambda: [])
    with translation.override("en"):
        html = str(figures.render_figure("growth"))
    assert "<svg" not in html
    assert "No ICE list has been loaded yet" in html


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0, (1, 1)), (3, (3, 1)), (4, (4, 1)), (135, (150, 50)), (387, (400, 100)), (1843, (2000, 500))],
)
def test_nice_ceiling(value, expected):
    assert figures._nice_ceiling(value) == expected


def test_bars_are_scaled_to_the_axis(two_lists):
    chart = figures._chart(figures.growth_series(), "all")
    top = max(bar.total for bar in chart["bars"])
    plot_w = figures.WIDTH - figures.LABEL_W - figures.TOTAL_W
    assert [bar.y for bar in chart["bars"]] == [
        figures.TOP_PAD + i * figures.ROW_H for i in range(len(chart["bars"]))
    ]
    assert chart["height"] == figures.TOP_PAD + len(chart["bars"]) * figures.ROW_H + figures.AXIS_H
    for bar in chart["bars"]:
        assert bar.end == pytest.approx(
            figures.LABEL_W + bar.total * plot_w / figures._nice_ceiling(top)[0], abs=0.05
        )
        assert sum(segment.value for segment in bar.segments) == bar.total
        assert bar.end <= figures.WIDTH - figures.TOTAL_W + 0.01


def dallas_area_agencies(extra=()):
    """Made-up lists: a newest one with a Dallas sheriff and a Tarrant police department (and `extra`), and
    an older one where Rockwall's sheriff had an agreement."""
    texas_counties()
    load(datetime.date(2026, 4, 1), [
        tf("Made-up Rockwall County Sheriff", "Rockwall County", kind="County", model="Jail Enforcement Model"),
        tf("Made-up Tarrant City PD", "Tarrant County", model="Warrant Service Officer"),
    ])  # fmt: skip
    return load(datetime.date(2026, 4, 3), [
        tf("Made-up Dallas County Sheriff", "Dallas County", kind="County", signed=datetime.datetime(2026, 4, 2)),
        tf("Made-up Tarrant City PD", "Tarrant County", model="Warrant Service Officer"),
        *extra,
    ])  # fmt: skip


def test_dallas_area_table_shows_each_county_from_the_newest_list(django_assert_num_queries):
    dallas_area_agencies()
    with (
        translation.override("en"),
        django_assert_num_queries(4),
    ):  # counties, newest list, agreements, requests
        html = str(figures.render_figure("dallas-area"))
    assert "What ICE's list of April 3, 2026 shows for the Dallas area</figcaption>" in html
    rows = html.split('<th scope="row" role="rowheader">')[1:]
    assert len(rows) == len(figures.DALLAS_AREA)
    for slug, table_row in zip(figures.DALLAS_AREA, rows, strict=True):
        assert f'href="/counties/tx/{slug}/"' in table_row
    dallas_row, tarrant_row = rows[0], rows[1]
    assert "Task Force (signed April 2, 2026)" in dallas_row
    assert "Made-up Tarrant City PD: Warrant Service Officer" in tarrant_row
    assert "No agreement on this list." in tarrant_row
    rockwall_row = rows[figures.DALLAS_AREA.index("rockwall-county")]
    assert "No agreement on this list. Jail Enforcement: last listed April 1, 2026." in " ".join(
        rockwall_row.split()
    )


def test_dallas_area_table_in_spanish_links_to_spanish_county_pages():
    dallas_area_agencies()
    with translation.override("es"):
        html = str(figures.render_figure("dallas-area"))
    assert 'href="/es/counties/tx/dallas-county/"' in html
    assert "Fuerza de tarea" in html and "Grupo de trabajo" not in html


def test_dallas_area_table_lists_the_statewide_agencies_from_the_data(django_assert_num_queries):
    """Statewide agreements cover every county of the table: named from the data's statewide flag."""
    patrol = [
        "TEXAS",
        "Made-up State Patrol",
        "State Agency",
        "#N/A",
        "Task Force Model",
        datetime.datetime(2026, 1, 1),
        "link",
        None,
    ]
    dallas_area_agencies(extra=[patrol])
    with translation.override("en"), django_assert_num_queries(4):
        html = str(figures.render_figure("dallas-area"))
    statewide = html.split('id="dallas-area-statewide">', 1)[1].split("</p>", 1)[0]
    assert "Statewide agencies in Texas:" in statewide
    assert "Made-up State Patrol (Task Force)." in " ".join(statewide.split())
    assert "Made-up State Patrol" not in html.split("</table>", 1)[0]


# --- figures inside explainer pages ---------------------------------------------------------------------


def page_html(client, lang, slug):
    with translation.override(lang):
        url = reverse("explainer:page", args=[slug])
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("lang", ["en", "es"])
def test_history_page_draws_the_chart_with_the_database_numbers(
    client, two_lists, lang, django_assert_num_queries
):
    with django_assert_num_queries(7):  # data version, shared copy, three stats, the chart, keep
        html = page_html(client, lang, "history")
    assert "<p><figure" not in html and html.count('<figure class="chart"') == 2
    series = figures.growth_series()
    tables = re.findall(r'<tbody role="rowgroup">(.*?)</tbody>', html, flags=re.S)
    assert len(tables) == 2
    cell = r'<td role="cell" data-label="([^"]+)">([\d,]+)</td>'
    for scope, table in zip(figures.SCOPES, tables, strict=True):
        cells = re.findall(rf'<time datetime="([\d-]+)">[^<]*</time></th>((?:{cell})+)', table)
        assert [iso for iso, *_cells in cells] == [point["as_of"].isoformat() for point in series]
        for (_iso, row_cells, *_), point in zip(cells, series, strict=True):
            labelled = re.findall(cell, row_cells)
            counts = [int(c.replace(",", "")) for _label, c in labelled]
            expected = [point[f"{scope}_{suffix}"] for suffix in SUFFIXES]
            assert counts == [sum(expected), *expected]  # the total first, then each model
            assert len({label for label, _c in labelled}) == 4  # each cell says what it counts


@pytest.mark.parametrize("lang", ["en", "es"])
def test_dallas_area_page_shows_the_table_in_fixed_queries(client, lang, django_assert_num_queries):
    dallas_area_agencies()
    with django_assert_num_queries(10):  # data version, shared copy, three stats, four for the table, keep
        html = page_html(client, lang, "dallas-area")
    assert "<p><figure" not in html
    prefix = "/es" if lang == "es" else ""
    for slug in figures.DALLAS_AREA:
        assert f'href="{prefix}/counties/tx/{slug}/"' in html
    assert "Made-up Tarrant City PD" in html


def render(body):
    page = Page(
        slug="history",
        lang="en",
        title="T",
        description_text="D",
        reviewed=datetime.date(2026, 1, 1),
        order=1,
        body=body,
    )
    return render_page(page, SiteStats())


def test_a_figure_must_stand_alone_and_be_known(db):
    alone = render("Text.\n\n[[figure:growth]]\n\nMore text.")
    assert (
        alone.errors == [] and "<p><figure" not in str(alone.html) and "<p>More text.</p>" in str(alone.html)
    )
    inline = render("See [[figure:growth]] here.")
    assert inline.errors == ["[[figure:growth]] must be a paragraph of its own"]
    unknown = render("[[figure:no-such-thing]]")
    assert unknown.errors == ["unknown figure [[figure:no-such-thing]]"]
    assert "content-error" in str(unknown.html)
