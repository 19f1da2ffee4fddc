"""Figures drawn from the database, placed in an explainer page with `[[figure:name]]` on a line of its own.

- `growth`: agreements on each dated ICE list, by model, nationally and in Texas (history page). A stacked
  horizontal bar chart drawn on the server as inline SVG: title and description for screen readers, colour
  plus pattern for each model, the numbers written beside every bar, and a table with the same numbers.
  No JavaScript, no third-party request.
- `dallas-area`: what ICE's newest list shows for Dallas County and eight other North Texas counties, one
  row per county, each linking to its county page, then the statewide agencies (the data's `statewide`
  flag) whose agreements cover every one of them (dallas-area page).

Each figure runs a fixed number of queries whatever the data: `growth` one, `dallas-area` four.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.formats import date_format, number_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from counties.models import Agreement, County, Snapshot
from counties.status import state_statuses
from counties.wording import list_currency

# Bottom to top of each stacked bar; the suffix names the fill pattern and the template's columns.
MODELS = [
    (Agreement.Model.JAIL, "jail"),
    (Agreement.Model.WARRANT, "warrant"),
    (Agreement.Model.TASK_FORCE, "task_force"),
]
SCOPES = {"all": "all", "tx": "TX"}  # figure scope -> key in Snapshot.counts

DALLAS_AREA = [
    "dallas-county",
    "tarrant-county",
    "denton-county",
    "collin-county",
    "ellis-county",
    "rockwall-county",
    "kaufman-county",
    "johnson-county",
    "parker-county",
]

# Chart geometry, in SVG user units (the chart scales to the width of the screen).
WIDTH = 360
LABEL_W = 74  # date labels at the left
TOTAL_W = 40  # room for the total at the right of the longest bar
ROW_H = 18
BAR_H = 12
TOP_PAD = 4  # the legend is HTML above the chart, so it wraps on a narrow screen
AXIS_H = 22


def _chosen(lists: list[dict]) -> list[dict]:
    """One list a year until 2024 (little changed then), one a month from 2025, and the newest: the first
    list of each year or month. About 25 bars instead of 158."""
    chosen, seen = [], set()
    for item in lists:
        day = item["as_of"]
        period = (day.year,) if day.year < 2025 else (day.year, day.month)
        if period not in seen:
            seen.add(period)
            chosen.append(item)
    if lists and chosen[-1] is not lists[-1]:
        chosen.append(lists[-1])
    return chosen


def growth_series() -> list[dict]:
    """For ICE's lists over time, oldest first: the date and the agreements on it by model, nationally and in
    Texas (Snapshot.counts, worked out by the importer: an agreement listed twice on one list counts once).
    One query."""
    lists = list(Snapshot.objects.participating().order_by("as_of").values("as_of", "counts"))
    series = []
    for item in _chosen(lists):
        point = {"as_of": item["as_of"]}
        for scope, key in SCOPES.items():
            counts = (item["counts"] or {}).get(key, {})
            for model, suffix in MODELS:
                point[f"{scope}_{suffix}"] = counts.get(model, 0)
        series.append(point)
    return series


def _number(value: int) -> str:
    """A count written the way explainer.stats writes it, in the active language."""
    return number_format(value, force_grouping=True)


def _nice_ceiling(value: int) -> tuple[int, int]:
    """A round axis maximum at or above value, and its tick step (1, 2 or 5 times a power of ten)."""
    if value <= 0:
        return 1, 1
    raw_step = value / 4
    power = 10 ** math.floor(math.log10(raw_step))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw_step)
    step = max(int(step), 1)
    return step * math.ceil(value / step), step


@dataclass
class Segment:
    suffix: str
    label: str
    value: int
    x: float
    width: float

    @property
    def shown(self) -> str:
        return _number(self.value)


@dataclass
class Bar:
    label: str
    iso: str
    y: float
    total: int
    end: float
    segments: list[Segment]
    counts: list[int]

    @property
    def shown_total(self) -> str:
        return _number(self.total)

    @property
    def labelled_counts(self) -> list[tuple[str, str]]:
        """(model, count) for each model: the table's cells, labelled for narrow screens."""
        return [
            (str(model.label), _number(count)) for (model, _s), count in zip(MODELS, self.counts, strict=True)
        ]


def _chart(series: list[dict], scope: str) -> dict:
    labels = {suffix: model.label for model, suffix in MODELS}
    y0 = TOP_PAD
    plot_w = WIDTH - LABEL_W - TOTAL_W
    totals = [sum(point[f"{scope}_{suffix}"] for _model, suffix in MODELS) for point in series]
    top, step = _nice_ceiling(max(totals, default=0))
    scale = plot_w / top
    bars = []
    for i, point in enumerate(series):
        y = y0 + i * ROW_H
        x = LABEL_W
        segments = []
        for _model, suffix in MODELS:
            value = point[f"{scope}_{suffix}"]
            if value:
                segments.append(
                    Segment(suffix, str(labels[suffix]), value, round(x, 2), round(value * scale, 2))
                )
            x += value * scale
        bars.append(
            Bar(
                label=date_format(point["as_of"], "SHORT_DATE_FORMAT"),
                iso=point["as_of"].isoformat(),
                y=y,
                total=totals[i],
                end=round(x, 2),
                segments=segments,
                counts=[point[f"{scope}_{suffix}"] for _model, suffix in MODELS],
            )
        )
    plot_bottom = y0 + len(series) * ROW_H
    ticks = [{"value": _number(v), "x": round(LABEL_W + v * scale, 2)} for v in range(0, top + 1, step)]
    return {
        "scope": scope,
        "bars": bars,
        "ticks": ticks,
        "legend": [{"suffix": suffix, "label": labels[suffix]} for _m, suffix in MODELS],
        "height": plot_bottom + AXIS_H,
        "plot_top": y0,
        "plot_bottom": plot_bottom,
        "label_x": LABEL_W - 4,
        "bar_h": BAR_H,
        "first": bars[0] if bars else None,
        "last": bars[-1] if bars else None,
    }


def growth_figure() -> SafeString:
    series = growth_series()
    charts = [_chart(series, "all"), _chart(series, "tx")] if series else []
    if charts:
        charts[0]["title"] = _("287(g) agreements on each ICE list, nationwide, by model")
        charts[1]["title"] = _("287(g) agreements on each ICE list, Texas, by model")
    return render_to_string(
        "explainer/_figure_growth.html",
        {"charts": charts, "width": WIDTH, "models": [model.label for model, _suffix in MODELS]},
    )


def dallas_area_figure() -> SafeString:
    order = {slug: i for i, slug in enumerate(DALLAS_AREA)}
    counties = sorted(
        County.objects.in_state("TX").filter(slug__in=DALLAS_AREA).select_related("state"),
        key=lambda county: order[county.slug],
    )
    snapshot = Snapshot.objects.newest()
    statuses = state_statuses(counties[0].state, snapshot, counties=counties) if counties else []
    # How current the list is, after SB 8's deadline: the county page's words (counties.wording), said of
    # the sheriffs in the table.
    currency = list_currency(snapshot, texas=True, sheriffs=True)
    return render_to_string(
        "explainer/_figure_dallas_area.html",
        {"statuses": statuses, "snapshot": snapshot, "currency": currency},
    )


FIGURES = {
    "growth": growth_figure,
    "dallas-area": dallas_area_figure,
}


def render_figure(name: str) -> SafeString:
    """The figure's HTML in the active language; KeyError for an unknown name."""
    return FIGURES[name]()


class SiteFigures:
    """What explainer.content.render_page asks for `[[figure:name]]`."""

    def names(self):
        return FIGURES.keys()

    def render(self, name) -> SafeString:
        return render_figure(name)
