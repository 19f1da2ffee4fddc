"""Work out everything ICE's lists say, from all of them at once: agencies, agreements, requests, changes.

    plan = build_plan()      # reads every Snapshot's rows and the reference data; writes nothing
    stats = write_plan(plan) # brings the database in line with the plan, touching only what differs

The derived records are a function of the set of lists, never of the order they were imported in:
importing a window of lists twice, or in a shuffled order, gives the same agencies, agreements, requests,
changes and per-list counters (each list is compared with its neighbour by date). What editors decide is
kept across rebuilds: the counties an editor chose (Agency.county_locked), an agreement's corrected date or
links (Agreement.details_locked), and every editor's Event.

Steps, one function each (a module each: plan, rows, same_agency, records, write; build runs them):
1. `_read_rows`: each row of each list -> an Observation (state, agency key, model, date, links) or a
   problem (no state, no agency, unknown support type);
2. `_resolve_counties`: the counties each agency key works in (ICE's COUNTY column, the name, the Census
   place, the city's ZIP codes, the table of regional agencies; placing.CountyResolver), or an editor's
   choice;
3. `_merge_keys`: which keys are one agency (the rules in identity.py and the rename table);
4. `_agencies`, `_agreements`, `_requests`: the records, with their changes and the per-list counters.
"""

from .build import build_plan
from .plan import Plan
from .write import WriteStats, write_plan

__all__ = ["Plan", "WriteStats", "build_plan", "write_plan"]
