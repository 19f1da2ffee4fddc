"""County maps drawn by the server as SVG, from the us-atlas TopoJSON in fixtures/geo/ (no map library).

TopoJSON keeps each shared border once, as an "arc" of quantized, delta-encoded points; a polygon is a list
of rings, each a list of arc indexes (a negative index ~i means arc i reversed). The file is already
projected (Albers USA), so decoded points are SVG coordinates. Everything is decoded once per process and
each state's paths are cached, with the viewBox fitted to that state.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.utils.text import capfirst

from .sb8 import Sb8Category
from .status import MapCategory

GEO_FILE = settings.BASE_DIR / "fixtures" / "geo" / "counties-albers-10m.json"
PADDING = 2.0  # around the state, in map units


@dataclass(frozen=True)
class StateShapes:
    view_box: str
    counties: dict[str, str]  # FIPS -> SVG path data
    outline: str  # the state's own border, for a small locator map
    width: float
    height: float


@lru_cache(maxsize=1)
def _topology():
    with open(GEO_FILE, encoding="utf-8") as f:
        data = json.load(f)
    (sx, sy), (tx, ty) = data["transform"]["scale"], data["transform"]["translate"]
    arcs = []
    for arc in data["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((round(x * sx + tx, 1), round(y * sy + ty, 1)))
        arcs.append(points)
    counties = {g["id"]: g for g in data["objects"]["counties"]["geometries"] if "arcs" in g}
    states = {g["id"]: g for g in data["objects"]["states"]["geometries"] if "arcs" in g}
    return arcs, counties, states


def _rings(geometry):
    if geometry["type"] == "Polygon":
        return list(geometry["arcs"])
    return [ring for polygon in geometry["arcs"] for ring in polygon]  # MultiPolygon


def _ring_points(ring, arcs):
    points = []
    for index in ring:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc[1:] if points else arc)  # consecutive arcs share their joining point
    return points


def _path(geometry, arcs, bounds: list[float]) -> str:
    parts = []
    for ring in _rings(geometry):
        points = _ring_points(ring, arcs)
        kept = [p for i, p in enumerate(points) if i == 0 or p != points[i - 1]]
        if len(kept) < 3:
            continue
        for x, y in kept:
            bounds[0], bounds[1] = min(bounds[0], x), min(bounds[1], y)
            bounds[2], bounds[3] = max(bounds[2], x), max(bounds[3], y)
        parts.append("M" + "L".join(f"{x:g} {y:g}" for x, y in kept) + "Z")
    return "".join(parts)


@lru_cache(maxsize=64)
def state_shapes(state_fips: str) -> StateShapes | None:
    """Every county of one state (by 2-digit FIPS), with a viewBox that fits the state; None if no shapes."""
    arcs, counties, states = _topology()
    bounds = [float("inf"), float("inf"), float("-inf"), float("-inf")]
    paths = {fips: _path(g, arcs, bounds) for fips, g in counties.items() if fips[:2] == state_fips}
    if not paths:
        return None
    outline = _path(states[state_fips], arcs, [*bounds]) if state_fips in states else ""
    width = bounds[2] - bounds[0] + 2 * PADDING
    height = bounds[3] - bounds[1] + 2 * PADDING
    view_box = f"{bounds[0] - PADDING:g} {bounds[1] - PADDING:g} {width:.1f} {height:.1f}"
    return StateShapes(view_box=view_box, counties=paths, outline=outline, width=width, height=height)


def state_map(state, statuses, view: str = "status") -> dict | None:
    """What templates/counties/_map.html draws: each county's shape, category, name and link.

    `view` "status" colours a county by its 287(g) status (MapCategory); "sb8" (Texas, issue 23) by what SB 8
    asks of its sheriff and what ICE's lists show (Sb8Category)."""
    shapes = state_shapes(state.fips)
    if shapes is None:
        return None
    sb8_view = view == "sb8"
    counties = [
        {
            "fips": status.county.fips,
            "name": capfirst(status.county.local_name),
            "url": status.county.get_absolute_url(),
            "category": Sb8Category.of(status) if sb8_view else status.category,
            "path": shapes.counties[status.county.fips],
        }
        for status in statuses
        if status.county.fips in shapes.counties
    ]
    groups = []  # the same counties as a list by status, for fingers and for reading names (_map.html)
    for category in Sb8Category.ALL if sb8_view else MapCategory.ALL:
        members = sorted((c for c in counties if c["category"] == category), key=lambda c: c["name"])
        if members:
            groups.append({"category": category, "counties": members})
    return {
        "state": state,
        "view": view,
        "categories": Sb8Category.ALL if sb8_view else MapCategory.ALL,
        "view_box": shapes.view_box,
        "counties": counties,
        "groups": groups,
    }


def locator_map(county) -> dict | None:
    """A small map of the state's outline with one county filled in (for the county page)."""
    shapes = state_shapes(county.state.fips)
    if shapes is None or county.fips not in shapes.counties:
        return None
    return {"view_box": shapes.view_box, "outline": shapes.outline, "path": shapes.counties[county.fips]}
