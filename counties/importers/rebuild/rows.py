"""Steps 1 and 2: each row of each list read as an observation, and the counties each agency key works in."""

from __future__ import annotations

from ...models import (
    Agency,
)
from ..corrections import ROW_AGENCY
from ..identity import (
    States,
    agency_key,
)
from ..lists import Col, model_from
from ..placing import CountyResolver
from .plan import PARTICIPATING, PENDING, Counters, KeyInfo, Observation


def _read_rows(lists, states: States, counters: dict[int, Counters]) -> dict[str, KeyInfo]:
    keys: dict[str, KeyInfo] = {}
    for ref, rows in lists:
        counts = counters[ref.id]
        counts.rows_read = len(rows)
        for row in rows:
            state = states.find(ref.kind, row[Col.STATE], row[Col.AGENCY])
            model = model_from(row[Col.SUPPORT])
            problem = ""
            if state is None:
                problem = f"Unknown state {row[Col.STATE]!r}." if row[Col.STATE] else "No STATE."
            elif not row[Col.AGENCY]:
                problem = "No agency name."
            elif not model and not (ref.kind == PENDING and not row[Col.SUPPORT]):
                # A pending row with no SUPPORT TYPE at all is still a request, of a model ICE does not give
                # (4 rows in the archive, e.g. Sedgwick County (KS) Sheriff's Office on 2025-10-28).
                problem = f"Unknown support type {row[Col.SUPPORT]!r}."
            if problem:
                counts.unresolved.append(
                    [row[Col.NUMBER], row[Col.STATE], row[Col.AGENCY], row[Col.SUPPORT], problem]
                )
                continue
            key = agency_key(state.code, state.name, row[Col.AGENCY])
            own_name = ROW_AGENCY.get((key, model, row[Col.SIGNED]))
            if own_name:  # an agreement ICE wrote for a while under another agency's name (the name kept)
                key = agency_key(state.code, state.name, own_name)
            info = keys.get(key)
            if info is None:
                info = keys[key] = KeyInfo(key, state)
            info.observations.append(
                Observation(
                    ref, row[Col.NUMBER], key, model, row[Col.AGENCY], row[Col.TYPE], row[Col.COUNTY],
                    row[Col.SIGNED], row[Col.SIGNED_RAW], row[Col.MOA], row[Col.ADDENDUM],
                )
            )  # fmt: skip
    return keys


# --- 2. counties ---------------------------------------------------------------------------------------


def _resolve_counties(keys: dict[str, KeyInfo], resolver: CountyResolver) -> None:
    for info in keys.values():
        ordered = sorted(
            info.observations, key=lambda o: (o.list.as_of, o.list.kind == PARTICIPATING), reverse=True
        )
        texts = list(dict.fromkeys(o.county_text for o in ordered))
        state_agency = info.kind == Agency.Kind.STATE
        info.resolution = resolver.resolve(info.state, info.newest.name, texts, state_agency=state_agency)
        info.merge_county = resolver.merge_county(
            info.state, info.newest.name, texts, state_agency=state_agency
        )
