"""Everything the site ships with: reference data, then ICE's 17 workbooks in date order."""

from __future__ import annotations

from ..models import County, Snapshot
from .ice import ICE_PAGE_URL, date_from_filename, import_workbook
from .reference import FIXTURES, load_reference_data

ICE_DIR = FIXTURES / "ice287g"


def shipped_workbooks():
    """(date, path) of each shipped workbook, oldest first."""
    return sorted((date_from_filename(path.name), path) for path in ICE_DIR.glob("participating-*.xlsx"))


def load_shipped_data(*, force: bool = False, log=None) -> str:
    """Load whatever is missing and say what was loaded; '' (a quick no-op) when nothing was."""
    workbooks = shipped_workbooks()
    have = set(Snapshot.objects.filter(as_of__in=[d for d, _ in workbooks]).values_list("as_of", flat=True))
    have_counties = County.objects.exists()
    if have_counties and len(have) == len(workbooks) and not force:
        return ""
    done = []
    if force or not have_counties:
        result = load_reference_data()
        done.append(str(result))
        if log:
            log(str(result))
    count = 0
    for as_of, path in workbooks:
        if as_of in have:
            continue
        with path.open("rb") as f:
            result = import_workbook(f, as_of=as_of, filename=path.name, source_url=ICE_PAGE_URL)
        count += 1
        if log:
            log(result.summary())
    done.append(f"{count} ICE lists")
    return "; ".join(done)
