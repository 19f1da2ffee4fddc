"""One search: a ZIP code, else names, exact, then prefixes, then near spellings; agencies beside places."""

from __future__ import annotations

from .entries import Answer, Entry, Result, Tier
from .index import Index
from .parse import HOME_STATE, MAX_QUERY_LENGTH, MAX_RESULTS, parse
from .store import get_index

NEAR_HOME_SMALLER_THAN = 25_000  # people: places elsewhere this small may give way to a Texas place...
NEAR_HOME_TIMES = 5  # ...spelled like them and this many times larger


def _zip_lookup(outcome: Answer, index: Index, code: str) -> bool:
    outcome.kind, outcome.zip_code = "zip", code
    if code not in index.zips:
        return False
    city, links = index.zips[code]
    outcome.zip_city = city
    outcome.zip_no_homes = not any(res > 0 for _c, res, _t in links)
    rows = []
    for county_id, res, tot in links:
        ref = index.counties[county_id]
        business_only = not outcome.zip_no_homes and res == 0
        share = tot if outcome.zip_no_homes or business_only else res
        rows.append((business_only, -share, ref.name, ref, share))
    for business_only, _order, _name, ref, share in sorted(rows):
        entry = Entry("county", ref.name, "", ref.state_code, ref.state_name, (ref,))
        outcome.results.append(Result(entry, Tier.EXACT, share=share, business_only=business_only))
    return True


def _order(entries: list[Entry], tier: int) -> list[Result]:
    entries = sorted(set(entries), key=lambda e: (e.kind != "state", -e.weight, e.state_name, e.name, e.kind))
    return [Result(entry, tier) for entry in entries]


def search(query: str) -> Answer:
    outcome = Answer(query=query)
    text = (query or "").strip()
    if not text:
        outcome.kind = "empty"
        return outcome
    if len(text) > MAX_QUERY_LENGTH:
        outcome.kind = "too-long"
        return outcome
    index = get_index()
    parsed = parse(text, index.state_words)
    if parsed is None:
        outcome.kind = "digits" if any(ch.isdigit() for ch in text) else "unreadable"
        return outcome
    if parsed.zip_code and (_zip_lookup(outcome, index, parsed.zip_code) or not parsed.names):
        return outcome  # a known ZIP code says more than any name typed with it
    outcome.kind, outcome.zip_code, outcome.state = "text", "", parsed.state

    results: list[Result] = []
    key, state, want = parsed.names[0][0]
    for reading in parsed.names:
        if exact := [entry for name in reading for entry in index.exact(*name)]:
            results = _order(exact, Tier.EXACT)
            key, state, want = reading[0]
            break
    results += _order([e for e in index.prefixed(key, state, want) if e.kind != "state"], Tier.PREFIX)
    if (
        results
        and results[0].tier == Tier.EXACT  # a name spelled so ("Hust" only starts names: no guess)
        and not parsed.state
        and all(r.entry.state_code != HOME_STATE for r in results)
    ):
        # "Huston" is a small city of Idaho, and what most who type it mean is Houston, Texas: where all that
        # matches is small and elsewhere, a Texas place spelled like it and far larger comes first, and
        # Enter waits for a choice. Never for a city elsewhere of some size (Tustin, not Austin).
        largest = max(r.entry.people for r in results)
        if largest < NEAR_HOME_SMALLER_THAN:
            near = [e for e in index.fuzzy(key, HOME_STATE, want) if e.people > NEAR_HOME_TIMES * largest]
            if near:
                results = _order(near, Tier.FUZZY) + results
                outcome.near_home = len(near)
    if not results:
        results = _order(index.fuzzy(key, state, want), Tier.FUZZY)
        outcome.fuzzy = bool(results)
    more = len(results) > MAX_RESULTS
    results = results[:MAX_RESULTS]
    if (parsed.agency_words or not results) and index.agencies:
        agencies, more_agencies = index.agencies.find(parsed.agency_tokens, parsed.state)
        if agencies and outcome.fuzzy:
            results, outcome.fuzzy, more = [], False, False  # an agency's own name beats a guess at a place
        if (
            agencies
            and results
            and (agencies[0].tier, -agencies[0].entry.weight)
            < (
                results[0].tier,
                -results[0].entry.weight,
            )
        ):
            results = agencies + results  # "Keller police": the police department, then the city
        else:
            results += agencies
        outcome.more_agencies = more_agencies
    outcome.results, outcome.more = results, more
    return outcome
