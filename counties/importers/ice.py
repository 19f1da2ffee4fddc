"""Import one of ICE's 287(g) participating-agencies workbooks as a dated Snapshot.

    result = import_workbook(fileobj, as_of=date(2026, 5, 18), filename="participating-2026-05-18.xlsx")

reads ICE's .xlsx as it is (columns found by header name, three header generations, trailing spaces,
text or malformed dates, links stored as cell hyperlinks or wrapped in web.archive.org / Outlook safelinks
URLs, misspelled or missing counties, agency names that drift between files) and records:

- one Snapshot per file (its date, sha256, row counts); importing the same file again changes nothing;
- every row as a SnapshotRow, linked to its Agreement, or with the `problem` that kept it from one;
- an Agency per normalized (state, folded name), with its county resolved from ICE's COUNTY column, from
  its name, or from the Census place it serves; when none can be found the agency is kept with
  `county=None` and `unresolved_reason`, and its rows carry the same problem, for an editor to fix;
- an Agreement per (agency, model): signed date (raw text kept when it is not a clean date), MOA and
  addendum links, the first and last snapshot listing it and whether the newest snapshot lists it.

Only the newest snapshot decides what is current: an older file imported after a newer one adds its
history (first_listed, rows) but changes no current status and no latest field.
Malformed input raises WorkbookError with a message meant for an editor; nothing is written then.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import parse_qs, quote, urlsplit

from django.db import transaction

from ..models import Agency, Agreement, County, Place, PlaceCounty, Snapshot, SnapshotRow, State
from ..text import compact, edit_distance, fold

AGENCY_FIELDS = ["name", "kind", "statewide", "ice_type", "county_raw", "county", "unresolved_reason"]
_AGENCY_STATE = [name if name != "county" else "county_id" for name in AGENCY_FIELDS]  # compared, no query
AGREEMENT_DETAILS = ["signed", "signed_raw", "moa_url", "addendum_url"]
MAX_BYTES = 20 * 1024 * 1024  # ICE's workbook is about 0.25 MB
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024  # refuses zip bombs before openpyxl expands them
MAX_ROWS = 20_000  # ICE's list has under 2,000 rows
HEADER_SCAN_ROWS = 10
ICE_PAGE_URL = "https://www.ice.gov/identify-and-arrest/287g"

REQUIRED = ("STATE", "LAW ENFORCEMENT AGENCY", "SUPPORT TYPE")
OPTIONAL = ("TYPE", "COUNTY", "SIGNED", "MOA", "ADDENDUM")
MISSING_VALUES = {"", "na", "none"}  # compared folded and without spaces: "#N/A", "#NA", "N/A", "-"
COUNTY_PROBLEM = "County not resolved"  # every county problem starts with this, so it can be cleared later

# Known mistakes in ICE's COUNTY column (see fixtures/SOURCES.md). Anything else is folded and matched.
# ICE's county mistakes seen in the shipped lists, each checked by hand: (state, folded text) -> county.
# Nothing is matched by a near spelling automatically (see CountyResolver.nearest): two of the 22 near
# spellings in the shipped lists pointed at the wrong county ('North County' in Missouri is a police
# cooperative, not Worth County; an Oklahoma row for the Wichita County Sheriff's Office is not Washita).
COUNTY_CORRECTIONS = {
    ("TX", "fall county"): "Falls County",  # Marlin PD; Falls is misspelled
    ("TX", "fall"): "Falls County",
    ("TX", "guadalupe conty"): "Guadalupe County",
    ("TX", "overton county"): "Rusk County",  # no such county: the city of Overton lies mostly in Rusk County
    ("TX", "overton"): "Rusk County",
    # Typing slips, each confirmed by the agency's own name (a sheriff's office names its county) or by
    # the shipped HUD ZIP-county file (fixtures/zip/): the agency's city has ZIP codes in that county.
    ("TX", "lampass county"): "Lampasas County",  # Lampasas County Sheriff's Office
    ("TX", "palmer county"): "Parmer County",  # Parmer County Sheriff's Office
    ("TX", "somervill"): "Somervell County",  # Somervell County Sheriff's Office
    ("AL", "frankin county"): "Franklin County",  # Franklin County Sheriff's Office
    ("AR", "layafette county"): "Lafayette County",  # Lafayette County Sheriff's Office
    ("AR", "pulaksi county"): "Pulaski County",  # Arkansas Department of Corrections (statewide anyway)
    ("FL", "flager county"): "Flagler County",  # Bunnell PD; Bunnell's ZIP codes are in Flagler
    ("FL", "flagere county"): "Flagler County",  # the same
    ("FL", "st luice county"): "St. Lucie County",  # Port Saint Lucie PD; ZIP codes in St. Lucie
    ("IN", "stueben county"): "Steuben County",  # Angola PD; Angola's ZIP codes reach Steuben
    ("KS", "lyons county"): "Lyon County",  # Lyon County Sheriff's Office
    ("KY", "whitely county"): "Whitley County",  # Williamsburg PD; Williamsburg's ZIP codes reach Whitley
    ("LA", "arcadia county"): "Acadia Parish",  # Morse PD; Morse's ZIP code 70559 is in Acadia Parish
    ("LA", "calacasieu parish"): "Calcasieu Parish",  # Calcasieu Parish Sheriff's Office
    ("MI", "berrian county"): "Berrien County",  # Berrien County Sheriff's Office
    ("OK", "bryant county"): "Bryan County",  # Bokchito PD; Bokchito's ZIP code 74726 is in Bryan County
    ("PA", "alleghany county"): "Allegheny County",  # Monroeville and Robinson Township agencies
    ("PA", "miffin county"): "Mifflin County",  # Lewistown constable; Lewistown's ZIP codes are in Mifflin
    ("SC", "lexignton county"): "Lexington County",  # Batesburg-Leesville PD; ZIP codes reach Lexington
    ("SC", "mccorkmick county"): "McCormick County",  # McCormick County Sheriff's Office
}

_CITY_PREFIX = re.compile(r"^(city|town|village) of\s+", re.I)
_CITY_SUFFIX = re.compile(
    r"\s+(police department|police dept|police|pd|department of public safety|public safety department|"
    r"marshal s office|marshals office|marshal office|city marshal|marshal)$"
)
_KEY_WORDS = [
    (re.compile(r"^(city|town|village) of "), ""),  # 'City of Melbourne Police Department'
    (re.compile(r"\bpd$"), "police department"),
    (re.compile(r"\bdept\b"), "department"),
    (re.compile(r"\bst\b"), "saint"),
    (re.compile(r"\bft\b"), "fort"),
    (re.compile(r"\bbocc\b"), "board of county commissioners"),
]
_COUNTY_IN_NAME = re.compile(r"^(.+?)\s+(county|parish|borough)\b")
_ICE_URL = re.compile(r"https?:/+(?:www\.)?ice\.gov/", re.I)
_FILENAME_DATES = (
    (re.compile(r"(\d{4})-(\d{2})-(\d{2})"), ("y", "m", "d")),  # participating-2026-05-18.xlsx
    (re.compile(r"participatingagencies(\d{2})(\d{2})(\d{4})", re.I), ("m", "d", "y")),  # ICE's own name
    (re.compile(r"participatingentities-(\d{4})(\d{2})(\d{2})", re.I), ("y", "m", "d")),
)
_TEXT_DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y", "%m-%d-%Y", "%B %d, %Y", "%b %d, %Y")


class WorkbookError(ValueError):
    """The file is not one of ICE's participating-agencies workbooks; the message says why, for an editor."""


@dataclass
class UnresolvedRow:
    row_number: int
    state: str
    agency: str
    model: str
    problem: str

    def __str__(self):
        return f"row {self.row_number}: {self.agency or '(no agency)'} ({self.state or '?'}): {self.problem}"


@dataclass
class ImportResult:
    as_of: date
    filename: str
    sha256: str
    snapshot: Snapshot | None = None
    dry_run: bool = False
    already_imported: bool = False  # the same file (same sha256) was imported before: nothing changed
    is_newest: bool = True  # False when an older file was imported after a newer one (history only)
    rows_read: int = 0
    added_agreements: list[Agreement] = field(default_factory=list)
    dropped_agreements: list[Agreement] = field(default_factory=list)
    changed_agreements: list[Agreement] = field(default_factory=list)
    relisted_agreements: list[Agreement] = field(default_factory=list)
    unresolved_rows: list[UnresolvedRow] = field(default_factory=list)

    @property
    def added(self) -> int:
        return len(self.added_agreements)

    @property
    def dropped(self) -> int:
        return len(self.dropped_agreements)

    @property
    def changed(self) -> int:
        return len(self.changed_agreements)

    @property
    def relisted(self) -> int:
        return len(self.relisted_agreements)

    @property
    def unresolved(self) -> int:
        return len(self.unresolved_rows)

    def summary(self) -> str:
        if self.already_imported:
            return f"{self.filename}: already imported as the ICE list of {self.as_of}; nothing changed."
        lines = [
            f"ICE list of {self.as_of} ({self.filename})"
            + (" [dry run: nothing saved]" if self.dry_run else ""),
            f"  rows read: {self.rows_read}",
            f"  agreements added: {self.added}",
            f"  no longer listed: {self.dropped}",
            f"  changed: {self.changed}",
            f"  listed again: {self.relisted}",
            f"  unresolved rows: {self.unresolved}",
        ]
        if not self.is_newest:
            lines.append(
                "  (older than the newest list already imported: history added, current status unchanged)"
            )
        lines += [f"    {row}" for row in self.unresolved_rows]
        return "\n".join(lines)


# --- reading the workbook -------------------------------------------------------------------------


@dataclass
class Row:
    number: int
    cells: dict  # header -> text as read (JSON-safe), plus "<HEADER> link" for hyperlinks
    state: str = ""
    agency: str = ""
    ice_type: str = ""
    county: str | None = None  # None: the workbook has no COUNTY column
    model: str = ""
    signed: date | None = None
    signed_raw: str = ""
    moa_url: str = ""
    addendum_url: str = ""


def date_from_filename(name: str) -> date | None:
    """'participating-2026-05-18.xlsx' or ICE's 'participatingAgencies05182026am.xlsx' -> 2026-05-18."""
    for pattern, order in _FILENAME_DATES:
        match = pattern.search(name or "")
        if match:
            parts = dict(zip(order, map(int, match.groups()), strict=True))
            try:
                return date(parts["y"], parts["m"], parts["d"])
            except ValueError:
                return None
    return None


def clean(value) -> str:
    """Cell text with outer and doubled spaces (including non-breaking ones) removed."""
    if value is None:
        return ""
    return " ".join(str(value).replace("\xa0", " ").split())


def unwrap_url(url: str) -> str:
    """The ice.gov address inside an archive.org, Outlook safelinks or browser-viewer wrapper."""
    url = (url or "").strip()
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.netloc.endswith("safelinks.protection.outlook.com"):
        url = parse_qs(parts.query).get("url", [""])[0]
    matches = list(_ICE_URL.finditer(url))
    if matches:
        url = "https://www.ice.gov/" + url[matches[-1].end() :]
    elif urlsplit(url).scheme not in ("http", "https"):
        return ""
    return quote(url, safe=":/?#[]@!$&'()*+,;=%~")[:500]


def parse_signed(value) -> tuple[date | None, str]:
    """(date, raw text): raw text is kept only when the cell is not a clean date."""
    if isinstance(value, datetime):
        return value.date(), ""
    if isinstance(value, date):
        return value, ""
    text = clean(value)
    if not text:
        return None, ""
    for fmt in _TEXT_DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date(), ""  # noqa: DTZ007 - a calendar date, no time
        except ValueError:
            continue
    return None, text[:60]


def model_from(support_type: str) -> str:
    key = fold(support_type)
    if "jail" in key:
        return Agreement.Model.JAIL
    if "warrant" in key:
        return Agreement.Model.WARRANT
    if "task" in key:
        return Agreement.Model.TASK_FORCE
    return ""


def _link(cell) -> str:
    if cell.hyperlink is not None and cell.hyperlink.target:
        return unwrap_url(cell.hyperlink.target)
    text = clean(cell.value)
    return unwrap_url(text) if "://" in text or text.startswith("www.") else ""


def _json_value(value):
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if value is None or isinstance(value, (int, float, bool)):
        return value
    return str(value)


def _open(data: bytes):
    import openpyxl  # imported here so that the site itself does not load it on every request

    if not data:
        raise WorkbookError("The file is empty.")
    if len(data) > MAX_BYTES:
        raise WorkbookError(f"The file is too large ({len(data):,} bytes; the limit is {MAX_BYTES:,}).")
    if not data.startswith(b"PK\x03\x04"):
        raise WorkbookError(
            "This is not an Excel workbook (.xlsx). Download ICE's file again and upload it as is."
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED_BYTES:
                raise WorkbookError("The workbook expands to an unreasonable size; it is not ICE's list.")
        return openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except WorkbookError:
        raise
    except Exception as exc:  # openpyxl raises many kinds of error for a broken file
        raise WorkbookError(f"This file could not be read as an Excel workbook (.xlsx): {exc}") from exc


def _header_map(values) -> dict[str, int]:
    found = {}
    for i, value in enumerate(values):
        name = clean(value).upper()
        if name in REQUIRED + OPTIONAL and name not in found:
            found[name] = i
    return found


def _find_table(workbook):
    """The first sheet with ICE's header row: (sheet, header row number, {header: column index})."""
    for sheet in workbook.worksheets:
        for number, values in enumerate(
            sheet.iter_rows(max_row=HEADER_SCAN_ROWS, values_only=True), start=1
        ):  # fmt: skip
            headers = _header_map(values)
            if all(name in headers for name in REQUIRED):
                return sheet, number, headers
    sheets = ", ".join(repr(s.title) for s in workbook.worksheets)
    raise WorkbookError(
        "No sheet has ICE's header row (STATE, LAW ENFORCEMENT AGENCY, SUPPORT TYPE) in its first "
        f"{HEADER_SCAN_ROWS} rows. Sheets found: {sheets}. Is this the participating-agencies workbook?"
    )


def read_rows(data: bytes) -> list[Row]:
    workbook = _open(data)
    sheet, header_row, headers = _find_table(workbook)
    if sheet.max_row - header_row > MAX_ROWS:
        raise WorkbookError(
            f"The sheet has {sheet.max_row - header_row:,} rows; ICE's list has under {MAX_ROWS:,}."
        )
    rows = []
    for number, cells in enumerate(sheet.iter_rows(min_row=header_row + 1), start=header_row + 1):
        values = {name: cells[i].value if i < len(cells) else None for name, i in headers.items()}
        if all(clean(v) == "" for v in values.values()):
            continue  # blank line (ICE's sheets end with some)
        row = Row(number=number, cells={name: _json_value(v) for name, v in values.items()})
        row.state = clean(values["STATE"])
        row.agency = clean(values["LAW ENFORCEMENT AGENCY"])
        row.ice_type = clean(values.get("TYPE"))
        row.county = clean(values["COUNTY"]) if "COUNTY" in headers else None
        row.model = model_from(clean(values["SUPPORT TYPE"]))
        row.signed, row.signed_raw = parse_signed(values.get("SIGNED"))
        for name in ("MOA", "ADDENDUM"):
            if name in headers and headers[name] < len(cells):
                url = _link(cells[headers[name]])
                if url:
                    row.cells[f"{name} link"] = url
                setattr(row, "moa_url" if name == "MOA" else "addendum_url", url)
        rows.append(row)
    if not rows:
        raise WorkbookError(f"The sheet {sheet.title!r} has ICE's headers but no agreement rows.")
    return rows


# --- agencies and counties ------------------------------------------------------------------------


def agency_key(state: State, name: str) -> str:
    """One key per agency whatever ICE's spelling: case, accents, apostrophes, punctuation, spacing."""
    key = fold(name.replace("&", " and "))
    for pattern, replacement in _KEY_WORDS:
        key = pattern.sub(replacement, key)
    state_name = fold(state.name) + " "
    if key.startswith(
        state_name
    ):  # 'Texas Office of the Attorney General' = 'Office of the Attorney General'
        key = key[len(state_name) :]
    return f"{state.code.lower()}:{key.strip()}"[:255]


def _same_agency(key: str, other: str) -> bool:
    """A one-letter slip in a long name ('Albermarle', 'Lake Clark Shores') is the same agency."""
    return len(key) >= 14 and edit_distance(key, other, 1) <= 1


def agency_kind(name: str, ice_type: str) -> str:
    key, kind = fold(name), fold(ice_type)
    if kind.startswith("state"):
        return Agency.Kind.STATE
    for words, result in (
        (("sheriff",), Agency.Kind.SHERIFF),
        (("constable",), Agency.Kind.CONSTABLE),
        (("marshal",), Agency.Kind.MARSHAL),
        (
            ("district attorney", "state attorney", "county attorney", "attorney general"),
            Agency.Kind.DISTRICT_ATTORNEY,
        ),
        (("police", "public safety"), Agency.Kind.POLICE),
    ):
        if any(word in key for word in words):
            return result
    return Agency.Kind.OTHER


class CountyRef(NamedTuple):
    id: int
    name: str


@lru_cache(maxsize=20_000)
def _key(text: str) -> str:
    return compact(text)


class CountyResolver:
    """Finds a county from ICE's COUNTY text, from an agency's name, or from the Census place it serves."""

    def __init__(self):
        self.by_state: dict[int, dict[str, CountyRef]] = {}
        self.short: dict[int, dict[str, list[CountyRef]]] = {}
        counties = {}
        for pk, state_id, name, short_name in County.objects.values_list(
            "id", "state_id", "name", "short_name"
        ):
            ref = counties[pk] = CountyRef(pk, name)
            self.by_state.setdefault(state_id, {})[_key(name)] = ref
            short = re.sub(r"city$", "", _key(short_name))  # 'Hopewell city' is found as 'Hopewell'
            self.short.setdefault(state_id, {}).setdefault(short, []).append(ref)
        links: dict[int, list[CountyRef]] = {}
        for place_id, county_id in PlaceCounty.objects.values_list("place_id", "county_id"):
            links.setdefault(place_id, []).append(counties[county_id])
        self.places: dict[int, dict[str, list[list[CountyRef]]]] = {}
        for pk, state_id, name in Place.objects.values_list("id", "state_id", "name"):
            self.places.setdefault(state_id, {}).setdefault(_key(name), []).append(links.get(pk, []))

    def from_text(self, state: State, text: str) -> CountyRef | None:
        """Exact folded match, the known corrections, then each part of 'Sparta-White County'. Never a guess."""
        corrected = COUNTY_CORRECTIONS.get((state.code, fold(text)))
        key = re.sub(r"^saint(?=[a-z])", "st", _key(corrected or text))
        names = self.by_state.get(state.pk, {})
        for candidate in (key, key + "county", key + "parish", key + "borough"):
            if candidate in names:
                return names[candidate]
        shorts = self.short.get(state.pk, {})
        stripped = re.sub(r"(county|parish|borough|conty|cnty|city)$", "", key)
        if len(shorts.get(stripped, [])) == 1:
            return shorts[stripped][0]
        parts = [p for p in re.split(r"[-/,&]| and ", text) if p.strip()]
        if len(parts) > 1:
            found = {self.from_text(state, part) for part in parts} - {None}
            return found.pop() if len(found) == 1 else None
        return None

    def nearest(self, state: State, text: str) -> CountyRef | None:
        """The one county whose name is within one or two typing slips of `text`, if exactly one is.

        Only a hint for an editor, in the unresolved reason: a near spelling is not evidence. ICE's
        'North County' (Missouri) is one letter from Worth County, but names a police cooperative.
        """
        stripped = re.sub(r"(county|parish|borough|conty|cnty|city)$", "", _key(text))
        if len(stripped) < 5:
            return None
        limit = 1 if len(stripped) < 7 else 2
        shorts = self.short.get(state.pk, {})
        close = [refs for name, refs in shorts.items() if edit_distance(stripped, name, limit) <= limit]
        return close[0][0] if len(close) == 1 and len(close[0]) == 1 else None

    def from_name(self, state: State, agency: str) -> CountyRef | None:
        match = _COUNTY_IN_NAME.match(fold(agency))
        return self.from_text(state, match.group(0)) if match else None

    def places_for(self, state: State, agency: str) -> list[list[CountyRef]]:
        city = _CITY_SUFFIX.sub("", _CITY_PREFIX.sub("", fold(agency)))
        return self.places.get(state.pk, {}).get(_key(city), []) if city != fold(agency) else []

    def resolve(self, state: State, row: Row) -> tuple[CountyRef | None, str]:
        """(county, problem): problem is empty when the county was found."""
        given = row.county or ""
        if given and compact(given) not in MISSING_VALUES:
            county = self.from_text(state, given)
            if county:
                return county, ""
        county = self.from_name(state, row.agency)
        if county:
            return county, ""
        places = self.places_for(state, row.agency)
        if len(places) == 1 and len(places[0]) == 1:
            return places[0][0], ""
        if row.county is None:
            why = "this workbook has no COUNTY column"
        elif compact(given) in MISSING_VALUES:
            why = f"ICE gives no county ({given or 'blank'})"
        else:
            why = f"no county in {state.name} matches ICE's {given!r}"
            near = self.nearest(state, given)
            if near:
                why += f" (closest spelling: {near.name}; check where the agency is before choosing it)"
        if len(places) == 1 and places[0]:
            why += "; the place lies in " + " and ".join(c.name for c in places[0])
        return None, f"{COUNTY_PROBLEM}: {why}."


# --- importing ------------------------------------------------------------------------------------


class _DryRun(Exception):
    """Raised inside the transaction to roll a dry run back."""


def import_workbook(
    fileobj, *, as_of: date, filename: str, source_url: str = "", dry_run: bool = False
) -> ImportResult:
    data = fileobj.read(MAX_BYTES + 1)
    sha256 = hashlib.sha256(data).hexdigest()
    result = ImportResult(as_of=as_of, filename=filename, sha256=sha256, dry_run=dry_run)
    existing = Snapshot.objects.filter(sha256=sha256).first()
    if existing is not None:
        result.already_imported, result.snapshot, result.rows_read = True, existing, existing.rows_read
        result.as_of = existing.as_of
        return result
    rows = read_rows(data)  # raises WorkbookError before anything is written
    if Snapshot.objects.filter(as_of=as_of).exists():
        raise WorkbookError(
            f"A different ICE list dated {as_of} is already imported. If ICE published two files that day, "
            "import the later one with the next day's date (--as-of), or delete the wrong snapshot first."
        )
    try:
        with transaction.atomic():
            _Importer(result, rows, source_url).run()
            if dry_run:
                raise _DryRun
    except _DryRun:
        result.snapshot = None
    return result


class _Importer:
    def __init__(self, result: ImportResult, rows: list[Row], source_url: str):
        self.result, self.rows, self.source_url = result, rows, source_url

    def run(self):
        result = self.result
        newest = Snapshot.objects.newest()
        result.is_newest = newest is None or result.as_of > newest.as_of
        snapshot = Snapshot.objects.create(
            as_of=result.as_of,
            sha256=result.sha256,
            filename=result.filename[:255],
            source_url=self.source_url,
        )
        result.snapshot = snapshot
        result.rows_read = len(self.rows)
        states = {fold(s.name): s for s in State.objects.all()}
        resolver = CountyResolver()

        # 1. Resolve each row to (agency key, model), or to a problem.
        problems: dict[int, str] = {}
        keyed: list[tuple[Row, str]] = []
        agency_rows: dict[str, Row] = {}
        agency_states: dict[str, State] = {}
        for row in self.rows:
            state = states.get(fold(row.state))
            if state is None:
                problems[row.number] = f"Unknown state {row.state!r}." if row.state else "No STATE."
            elif not row.agency:
                problems[row.number] = "No agency name."
            elif not row.model:
                problems[row.number] = f"Unknown support type {row.cells.get('SUPPORT TYPE')!r}."
            else:
                key = agency_key(state, row.agency)
                keyed.append((row, key))
                agency_rows.setdefault(key, row)
                agency_states[key] = state

        # 2. Agencies: create new ones; the newest list renames and re-types; counties fill in when found.
        self._follow_slips(keyed, agency_rows, agency_states)
        agencies = {a.key: a for a in Agency.objects.filter(key__in=agency_rows)}
        new_agencies, updated_agencies, resolved_now = [], [], []
        for key, row in agency_rows.items():
            state = agency_states[key]
            kind = agency_kind(row.agency, row.ice_type)
            statewide = kind == Agency.Kind.STATE
            county, problem = (None, "") if statewide else resolver.resolve(state, row)
            agency = agencies.get(key)
            before = None if agency is None else [getattr(agency, f) for f in _AGENCY_STATE]
            if agency is None:
                agency = Agency(
                    key=key,
                    state=state,
                    name=row.agency[:255],
                    kind=kind,
                    ice_type=row.ice_type[:40],
                    county_id=county.id if county else None,
                    county_raw=(row.county or "")[:120],
                    statewide=statewide,
                    unresolved_reason=problem[:255],
                )
                agencies[key] = agency
                new_agencies.append(agency)
                continue
            if result.is_newest:
                agency.name, agency.kind, agency.statewide = row.agency[:255], kind, statewide
                agency.ice_type = row.ice_type[:40] or agency.ice_type
                if row.county is not None:
                    agency.county_raw = row.county[:120]
            if (
                not agency.county_locked
                and county is not None
                and (result.is_newest or agency.county_id is None)
            ):
                if agency.unresolved_reason:
                    resolved_now.append(agency)
                agency.county_id, agency.unresolved_reason = county.id, ""
            elif statewide and result.is_newest and not agency.county_locked:
                agency.county_id, agency.unresolved_reason = None, ""
            elif (
                agency.county_id is None
                and not agency.county_locked
                and (result.is_newest or not agency.unresolved_reason)
            ):
                agency.unresolved_reason = problem[:255]
            if [getattr(agency, f) for f in _AGENCY_STATE] != before:
                updated_agencies.append(agency)
        Agency.objects.bulk_create(new_agencies)
        Agency.objects.bulk_update(updated_agencies, AGENCY_FIELDS, batch_size=500)

        # 3. Agreements: one per (agency, model); the first row of a pair gives its details.
        agreements = {
            (a.agency_id, a.model): a
            for a in Agreement.objects.filter(agency__in=[agencies[k] for k in agency_rows]).select_related(
                "first_listed", "last_listed", "agency"
            )
        }
        new_agreements, touched, dirty = [], {}, []
        row_agreement: dict[int, tuple[int, str]] = {}
        for row, key in keyed:
            agency = agencies[key]
            pair = (agency.pk, row.model)
            row_agreement[row.number] = pair
            if agency.unresolved_reason:
                problems[row.number] = agency.unresolved_reason
            if pair in touched:
                continue
            agreement = agreements.get(pair)
            details = {
                "signed": row.signed, "signed_raw": row.signed_raw,
                "moa_url": row.moa_url, "addendum_url": row.addendum_url,
            }  # fmt: skip
            if agreement is None:
                agreement = Agreement(
                    agency=agency,
                    model=row.model,
                    first_listed=snapshot,
                    last_listed=snapshot,
                    is_current=result.is_newest,
                    **details,
                )
                agreements[pair] = agreement
                new_agreements.append(agreement)
                result.added_agreements.append(agreement)
            elif self._update(agreement, details, snapshot):
                dirty.append(agreement)
            touched[pair] = agreement
        Agreement.objects.bulk_create(new_agreements)
        # Only a few agreements change details; every listed one gets this list as its latest in one query.
        Agreement.objects.bulk_update(
            dirty, [*AGREEMENT_DETAILS, "first_listed", "last_listed", "is_current"], batch_size=500
        )
        if result.is_newest:
            listed = Agreement.objects.filter(pk__in=[a.pk for a in touched.values()])
            listed.exclude(last_listed=snapshot).update(last_listed=snapshot, is_current=True)

        # 4. The newest list decides what is no longer listed.
        if result.is_newest:
            dropped = Agreement.objects.current().exclude(pk__in=[a.pk for a in touched.values()])
            result.dropped_agreements = list(dropped.select_related("agency", "agency__state"))
            dropped.update(is_current=False)
            for agreement in result.dropped_agreements:
                agreement.is_current = False

        # 5. Every row, as read, linked to its agreement or with its problem.
        SnapshotRow.objects.bulk_create(
            [
                SnapshotRow(
                    snapshot=snapshot,
                    row_number=row.number,
                    data=row.cells,
                    agreement=touched.get(row_agreement.get(row.number)),
                    problem=problems.get(row.number, "")[:255],
                )
                for row in self.rows
            ],
            batch_size=2000,
        )
        result.unresolved_rows = [
            UnresolvedRow(
                row.number, row.state, row.agency, row.cells.get("SUPPORT TYPE") or "", problems[row.number]
            )
            for row in self.rows
            if row.number in problems
        ]
        if resolved_now:
            _clear_county_problems(resolved_now)
        snapshot.rows_read = result.rows_read
        snapshot.rows_unresolved = result.unresolved
        snapshot.agreements_added = result.added
        snapshot.agreements_dropped = result.dropped
        snapshot.agreements_changed = result.changed
        snapshot.agreements_relisted = result.relisted
        snapshot.save()

    def _follow_slips(self, keyed, agency_rows, agency_states):
        """Map a new spelling to a known agency of the same state that this list does not name otherwise."""
        known = {}
        for key, state_id in Agency.objects.filter(state__in=set(agency_states.values())).values_list(
            "key", "state_id"
        ):
            known.setdefault(state_id, []).append(key)
        aliases = {}
        for key, state in agency_states.items():
            if key in known.get(state.pk, ()):
                continue
            matches = [k for k in known.get(state.pk, ()) if k not in agency_rows and _same_agency(key, k)]
            if len(matches) == 1:
                aliases[key] = matches[0]
        for key, target in aliases.items():
            agency_states[target] = agency_states.pop(key)
            agency_rows.setdefault(target, agency_rows.pop(key))
        keyed[:] = [(row, aliases.get(key, key)) for row, key in keyed]

    def _update(self, agreement: Agreement, details: dict, snapshot: Snapshot) -> bool:
        """Apply this list to an agreement it shows; True when a field other than last_listed changed."""
        result, dirty = self.result, False
        if snapshot.as_of < agreement.first_listed.as_of:
            agreement.first_listed, dirty = snapshot, True
        if snapshot.as_of > agreement.last_listed.as_of:
            # This list is now the newest to show the agreement: its details are the latest ones.
            changed = any(getattr(agreement, name) != value for name, value in details.items())
            for name, value in details.items():
                setattr(agreement, name, value)
            if result.is_newest:
                if not agreement.is_current:
                    result.relisted_agreements.append(agreement)
                elif changed:
                    result.changed_agreements.append(agreement)
                dirty = dirty or changed or not agreement.is_current
                agreement.is_current = True
            else:
                dirty = True  # an older list that is still the latest to show a no-longer-listed agreement
            agreement.last_listed = snapshot
        return dirty


def _clear_county_problems(agencies: list[Agency]):
    """Rows of earlier lists whose agency's county has now been found are no longer unresolved."""
    rows = SnapshotRow.objects.filter(agreement__agency__in=agencies, problem__startswith=COUNTY_PROBLEM)
    snapshot_ids = set(rows.values_list("snapshot_id", flat=True))
    rows.update(problem="")
    for snapshot in Snapshot.objects.filter(pk__in=snapshot_ids):
        snapshot.rows_unresolved = snapshot.rows.exclude(problem="").count()
        snapshot.save(update_fields=["rows_unresolved"])
