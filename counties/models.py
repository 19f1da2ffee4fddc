"""Counties, the agencies in them, and the 287(g) agreements ICE lists for those agencies.

What ICE's workbooks say is imported (Snapshot, SnapshotRow, Agency, Agreement); what editors add is
entered through the admin (Event, Source). A county's status is never typed: it is derived from these
(see counties/status.py).
"""

import datetime

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxLengthValidator, URLValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .text import fold

# Links editors or the public type are shown on public pages: only http(s), never javascript: or data:.
validate_http_url = URLValidator(
    schemes=["http", "https"], message=_("Enter a web address that starts with http:// or https://.")
)


# The names Spanish text gives U.S. states and territories that have a Spanish form (the rest, e.g. Texas,
# Florida, Rhode Island, keep the Census name). Used for what readers see; the data keeps the Census name.
STATE_NAMES_ES = {
    "American Samoa": "Samoa Estadounidense",
    "District of Columbia": "Distrito de Columbia",
    "Hawaii": "Hawái",
    "Louisiana": "Luisiana",
    "Michigan": "Míchigan",
    "Mississippi": "Misisipi",
    "Missouri": "Misuri",
    "New Hampshire": "Nuevo Hampshire",
    "New Jersey": "Nueva Jersey",
    "New Mexico": "Nuevo México",
    "New York": "Nueva York",
    "North Carolina": "Carolina del Norte",
    "North Dakota": "Dakota del Norte",
    "Northern Mariana Islands": "Islas Marianas del Norte",
    "Oregon": "Oregón",
    "Pennsylvania": "Pensilvania",
    "South Carolina": "Carolina del Sur",
    "South Dakota": "Dakota del Sur",
    "United States Virgin Islands": "Islas Vírgenes de los Estados Unidos",
    "U.S. Virgin Islands": "Islas Vírgenes de los Estados Unidos",
    "West Virginia": "Virginia Occidental",
}


def local_state_name(name: str) -> str:
    """A state's name in the active language: "North Carolina" / "Carolina del Norte" (STATE_NAMES_ES)."""
    if get_language() == "es":
        return STATE_NAMES_ES.get(name, name)
    return name


class State(models.Model):
    fips = models.CharField(max_length=2, unique=True, help_text=_("Two-digit Census state code, e.g. 48."))
    code = models.CharField(max_length=2, unique=True, help_text=_("Postal code, e.g. TX."))
    name = models.CharField(max_length=60, unique=True, help_text=_("Name as the Census writes it."))

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("counties:state", kwargs={"state": self.slug})

    @property
    def slug(self):
        return self.code.lower()

    @property
    def local_name(self) -> str:
        """The name readers see, in the active language (local_state_name)."""
        return local_state_name(self.name)


class CountyQuerySet(models.QuerySet):
    def in_state(self, code):
        return self.filter(state__code=code.upper())

    def by_url(self, state: str, slug: str):
        """The county of a page's URL (/counties/tx/dallas-county/), with its state: 404 if there is none."""
        from django.shortcuts import get_object_or_404

        return get_object_or_404(self.select_related("state"), state__code=state.upper(), slug=slug)

    def matching(self, text):
        """Counties whose folded name starts with the folded text ('dallas' -> Dallas County)."""
        key = fold(text)
        return self.filter(search_key__startswith=key) if key else self.none()


class County(models.Model):
    class JailStatus(models.TextChoices):
        JAIL = "jail", _("Runs a county jail")
        PRIVATE = "private", _("Jail run by a private vendor")
        NO_JAIL = "none", _("No county jail")
        UNKNOWN = "unknown", _("Not known")

    fips = models.CharField(
        max_length=5, unique=True, help_text=_("Five-digit Census FIPS code; never changes.")
    )
    state = models.ForeignKey(State, on_delete=models.PROTECT, related_name="counties")
    name = models.CharField(
        max_length=100, help_text=_("Full name as the Census writes it, e.g. Dallas County.")
    )
    short_name = models.CharField(
        max_length=100, blank=True, help_text=_("The name without County/Parish/Borough, e.g. Dallas.")
    )
    slug = models.SlugField(max_length=100, help_text=_("Readable part of the URL, e.g. dallas-county."))
    seat = models.CharField(max_length=100, blank=True, help_text=_("County seat (Texas)."))
    population = models.PositiveIntegerField(null=True, blank=True)
    population_year = models.PositiveSmallIntegerField(null=True, blank=True)
    population_source = models.CharField(max_length=200, blank=True)
    jail_status = models.CharField(
        max_length=10,
        choices=JailStatus.choices,
        default=JailStatus.UNKNOWN,
        help_text=_(
            "From the Texas Commission on Jail Standards. Decides whether Texas SB 8 says the sheriff "
            "shall request and enter into a 287(g) agreement."
        ),
    )
    jail_status_as_of = models.DateField(null=True, blank=True)
    jail_status_note = models.TextField(
        blank=True, help_text=_("Caveats about the jail status, shown to readers.")
    )
    search_key = models.CharField(
        max_length=200,
        blank=True,
        db_index=True,
        help_text=_("Folded name used by search; set by the loader."),
    )
    last_verified_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When an editor last checked it.")
    )
    last_verified_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = CountyQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["state__name", "name"]
        verbose_name_plural = _("counties")
        constraints = [models.UniqueConstraint(fields=["state", "slug"], name="county_unique_slug_per_state")]

    def __str__(self):
        return f"{self.name}, {self.state.code}"

    def get_absolute_url(self):
        return reverse("counties:county", kwargs={"state": self.state.slug, "slug": self.slug})

    @property
    def local_name(self) -> str:
        """The name as running text says it in the active language: "Dallas County" in English, "condado de
        Dallas" in Spanish (docs/glossary-es.toml). Other kinds of county (a parish, a borough, a Virginia
        city) keep their official English name, which Spanish text uses as a proper noun."""
        return local_county_name(self.name, self.short_name)

    @property
    def sb8_applies(self):
        """Whether Texas SB 8 binds this county's sheriff (None: not known)."""
        if self.state.code != "TX":
            return False
        if self.jail_status in (self.JailStatus.JAIL, self.JailStatus.PRIVATE):
            return True
        if self.jail_status == self.JailStatus.NO_JAIL:
            return False
        return None


def local_county_name(name: str, short_name: str = "", *, article: bool = False) -> str:
    """See County.local_name. `article`: as it follows a preposition mid-sentence ("está en el condado de
    Dallas"); only Spanish "condado de" takes one (other names stay as written)."""
    if get_language() == "es" and name.endswith(" County"):
        return ("el " if article else "") + "condado de " + (short_name or name.removesuffix(" County"))
    return name


class ReferenceLoad(models.Model):
    """One run of load_reference_data (counties, seats, jail status, ZIP codes, places): when and what.

    Its bulk writes leave no history rows, so this row is what tells the rendered-page cache
    (counties/pagecache.py) that the pages must be built again.
    """

    loaded_at = models.DateTimeField(auto_now_add=True)
    summary = models.TextField()

    class Meta:
        ordering = ["-loaded_at"]
        verbose_name = _("reference data load")

    def __str__(self):
        return f"Reference data loaded {self.loaded_at:%Y-%m-%d %H:%M}"


class SnapshotQuerySet(models.QuerySet):
    def participating(self):
        return self.filter(kind=Snapshot.Kind.PARTICIPATING)

    def pending(self):
        return self.filter(kind=Snapshot.Kind.PENDING)

    def newest(self, kind=None):
        """The newest list of a kind (participating by default), or None."""
        return self.filter(kind=kind or Snapshot.Kind.PARTICIPATING).order_by("-as_of").first()

    def oldest(self, kind=None):
        return self.filter(kind=kind or Snapshot.Kind.PARTICIPATING).order_by("as_of").first()


class Snapshot(models.Model):
    """One of ICE's 287(g) lists, as published on one date: the agencies with a signed agreement
    (participating) or the requests ICE had not yet signed (pending).

    The rows are kept as read (compressed, in SnapshotData), so that everything derived from the lists
    (agencies, agreements, requests, their changes) can be worked out again from all lists at once
    (counties/importers/rebuild.py), whatever order they were imported in.
    """

    class Kind(models.TextChoices):
        PARTICIPATING = "participating", _("Participating agencies (signed agreements)")
        PENDING = "pending", _("Pending agencies (requests not yet signed)")

    class Origin(models.TextChoices):
        SHIPPED = "shipped", _("Shipped with the site (fixtures/)")
        UPLOAD = "upload", _("Uploaded by an editor")
        SYNC = "sync", _("Fetched from ICE's site by the scheduled check")
        COMMAND = "command", _("Imported with manage.py import_ice_287g")

    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.PARTICIPATING)
    as_of = models.DateField(help_text=_("The date of ICE's list (from ICE's file name)."))
    unchanged_through = models.DateField(
        help_text=_(
            "The last day this list was seen unchanged on ICE's site: by the archive the site ships, or by "
            "the site's own check of ICE's page."
        )
    )
    sha256 = models.CharField(max_length=64, unique=True)
    filename = models.CharField(max_length=255)
    source_url = models.URLField(max_length=500, blank=True)
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.COMMAND)
    imported_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    headers = models.JSONField(default=list, help_text=_("ICE's column headers, in order."))
    content_key = models.CharField(
        max_length=64,
        default="",
        db_index=True,
        help_text=_(
            "Fingerprint of the rows (not of the file): two files with the same rows have the same key."
        ),
    )
    rows_read = models.PositiveIntegerField(default=0)
    rows_unresolved = models.PositiveIntegerField(default=0)
    counts = models.JSONField(
        default=dict,
        help_text=_(
            "Agreements (or requests) on this list by model, nationally and in Texas (set by the rebuild)."
        ),
    )
    # Worked out against the list before it of the same kind, by date (set by the rebuild).
    agreements_added = models.PositiveIntegerField(default=0)
    agreements_dropped = models.PositiveIntegerField(default=0)
    agreements_changed = models.PositiveIntegerField(default=0)
    agreements_relisted = models.PositiveIntegerField(default=0)

    objects = SnapshotQuerySet.as_manager()

    class Meta:
        ordering = ["-as_of", "kind"]
        get_latest_by = "as_of"
        constraints = [models.UniqueConstraint(fields=["kind", "as_of"], name="snapshot_unique_kind_date")]

    def __str__(self):
        if self.kind == self.Kind.PENDING:
            return f"ICE pending list of {self.as_of:%Y-%m-%d}"
        return f"ICE list of {self.as_of:%Y-%m-%d}"

    @property
    def is_pending(self) -> bool:
        return self.kind == self.Kind.PENDING

    def rows(self) -> list[list]:
        """The rows as read (see counties/importers/lists.py for the columns)."""
        from .importers.lists import decode_rows

        data = SnapshotData.objects.filter(snapshot=self).values_list("rows", flat=True).first()
        return decode_rows(data)


class SnapshotData(models.Model):
    """A list's rows as read, and those the site could not place: kept apart so that the many queries
    that read a Snapshot never carry them."""

    snapshot = models.OneToOneField(Snapshot, on_delete=models.CASCADE, primary_key=True, related_name="data")
    rows = models.BinaryField(help_text=_("Every row as read (zlib-compressed JSON)."))
    unresolved = models.JSONField(
        default=list,
        help_text=_(
            "Rows whose agency could not be placed: [row, state, agency, model, reason] (set by the rebuild)."
        ),
    )

    class Meta:
        verbose_name = _("ICE list rows")
        verbose_name_plural = _("ICE list rows")

    def __str__(self):
        return f"Rows of {self.snapshot}"


class Agency(models.Model):
    class Kind(models.TextChoices):
        SHERIFF = "sheriff", _("Sheriff's office")
        POLICE = "police", _("Police department")
        CONSTABLE = "constable", _("Constable's office")
        MARSHAL = "marshal", _("Marshal's office")
        DISTRICT_ATTORNEY = "da", _("District attorney")
        STATE = "state", _("State agency")
        OTHER = "other", _("Other agency")

    class Placement(models.TextChoices):
        ICE = "ice", _("ICE's county column")
        NAME = "name", _("the county in the agency's name")
        PLACE = "place", _("the city in the agency's name (Census places)")
        ZIP = "zip", _("the city's ZIP codes (HUD)")
        TABLE = "table", _("a hand-checked table (fixtures/SOURCES.md)")
        EDITOR = "editor", _("an editor")
        STATEWIDE = "statewide", _("a statewide agency")
        NONE = "", _("not placed")

    class Unplaced(models.TextChoices):
        """Why an agency is on no county page, in words a reader can take (the state page lists them)."""

        NO_COUNTY = "no-county", _("ICE gives no county, and its name names no county or city we can place")
        NO_MATCH = "no-match", _("ICE's county matches no county in the state")
        SPLIT = "split", _("the ZIP codes of its city are split between counties")
        CONFLICT = "conflict", _("ICE's county is not where the Census places its city")
        AMBIGUOUS = "ambiguous", _("its name matches more than one place in the state")
        REGIONAL = "regional", _("it serves part of the state, and our data does not say which counties")
        CAMPUS = "campus", _("a college or university whose name does not say its campus city")
        NONE = "", _("placed")

    key = models.CharField(
        max_length=255,
        unique=True,
        help_text=_(
            "Normalized state + name of the earliest name ICE used, so spelling drift does not split it."
        ),
    )
    name = models.CharField(max_length=255, help_text=_("Name as ICE's newest list spells it."))
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.OTHER)
    ice_type = models.CharField(
        max_length=40, blank=True, help_text=_("ICE's TYPE column (County, Municipality…).")
    )
    state = models.ForeignKey(State, on_delete=models.PROTECT, related_name="agencies")
    county = models.ForeignKey(
        County,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agencies",
        help_text=_(
            "The agency's main county (ICE's, or the one with most of its city's addresses): one of its "
            "counties below. Empty for statewide agencies and for rows whose county could not be resolved."
        ),
    )
    counties = models.ManyToManyField(
        County,
        through="AgencyCounty",
        related_name="placed_agencies",
        blank=True,
        help_text=_("Every county the agency works in (a city that lies in several counties is in each)."),
    )
    placed_by = models.CharField(
        max_length=10, choices=Placement.choices, blank=True, help_text=_("How the main county was found.")
    )
    county_raw = models.CharField(max_length=120, blank=True, help_text=_("COUNTY as ICE wrote it."))
    county_locked = models.BooleanField(
        default=False,
        help_text=_("Set when an editor chose the counties: later imports keep that choice."),
    )
    statewide = models.BooleanField(
        default=False, help_text=_("A state agency whose agreement covers the state.")
    )
    unresolved_reason = models.CharField(
        max_length=255, blank=True, help_text=_("Why the import could not place it, with the evidence.")
    )
    unplaced_why = models.CharField(
        max_length=10,
        choices=Unplaced.choices,
        blank=True,
        help_text=_("The same reason in a few words, for readers (the state page lists unplaced agencies)."),
    )
    first_seen = models.ForeignKey(
        Snapshot,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The first of ICE's lists (either kind) that names the agency."),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["state__name", "name"]
        verbose_name_plural = _("agencies")

    def __str__(self):
        return f"{self.name} ({self.state.code})"


class AgencyCounty(models.Model):
    """One county an agency works in, and how the site knows (set by the import's rebuild, or by an editor).

    An agency whose city lies in several counties (the Census place file) has one row for each, with the
    share of the city's addresses in it where the HUD ZIP code file tells; the agency's main county
    (Agency.county) is always one of its rows.
    """

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="placements")
    county = models.ForeignKey(County, on_delete=models.CASCADE, related_name="agency_placements")
    share = models.DecimalField(
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_(
            "About how much of the agency's city lies in this county: the share of the addresses of the "
            "city's ZIP codes (HUD). Empty when not known."
        ),
    )
    placed_by = models.CharField(
        max_length=10, choices=Agency.Placement.choices, help_text=_("How this county was found.")
    )
    via = models.CharField(
        max_length=120,
        blank=True,
        help_text=_("The evidence named: ICE's county text, the city or the campus city the name gives."),
    )

    class Meta:
        ordering = ["agency", "county__name"]
        verbose_name = _("county an agency works in")
        verbose_name_plural = _("counties an agency works in")
        constraints = [models.UniqueConstraint(fields=["agency", "county"], name="agencycounty_unique")]

    def __str__(self):
        return f"{self.agency} in {self.county}"


class AgencyName(models.Model):
    """A name ICE used for an agency, and how the site knows it is the same agency (set by the rebuild)."""

    class Why(models.TextChoices):
        FIRST = "first", _("The earliest name")
        SAME_PDF = (
            "pdf",
            _("The same signed agreement (PDF), the same model and county, never listed together"),
        )
        SHERIFF = "sheriff", _("The sheriff's office of the same county")
        SLIP = "slip", _("A typing slip of the same name, the same model and county, never listed together")
        TABLE = "table", _("The rename table (counties/importers/corrections.py)")
        SPELLING = "spelling", _("The same name once case, accents and punctuation are folded")
        WORDS = (
            "words",
            _(
                "The same words once a state's code or name, 'DPS' and the word order are set aside, in the same place"
            ),
        )
        STAND_IN = (
            "stand-in",
            _(
                "A garbled name on a few lists only, where this agency (same model and signing date) was missing"
            ),
        )

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="names")
    key = models.CharField(max_length=255, unique=True)
    name = models.CharField(max_length=255, help_text=_("The newest spelling ICE used under this key."))
    why = models.CharField(max_length=10, choices=Why.choices)
    first_seen = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="+")
    last_seen = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["agency", "first_seen__as_of", "key"]

    def __str__(self):
        return self.name


class AgreementQuerySet(models.QuerySet):
    def current(self):
        return self.filter(is_current=True)

    def counts_by_state(self) -> tuple[list[dict], dict]:
        """Per state, most agreements first: {code, name, models: {model: n}, model_counts, total, agencies,
        sheriffs}; and the totals. Two queries."""
        rows: dict[str, dict] = {}
        for row in self.values("agency__state__code", "agency__state__name", "model").annotate(
            n=models.Count("id")
        ):
            entry = rows.setdefault(
                row["agency__state__code"],
                {
                    "code": row["agency__state__code"],
                    "name": row["agency__state__name"],
                    "models": {},
                    "total": 0,
                },
            )
            entry["models"][row["model"]] = row["n"]
            entry["total"] += row["n"]
        agencies = self.values("agency__state__code").annotate(
            agencies=models.Count("agency", distinct=True),
            sheriffs=models.Count("agency", distinct=True, filter=models.Q(agency__kind=Agency.Kind.SHERIFF)),
        )
        for row in agencies:
            rows[row["agency__state__code"]].update(agencies=row["agencies"], sheriffs=row["sheriffs"])
        states = sorted(rows.values(), key=lambda r: (-r["total"], r["name"]))
        for entry in states:
            entry["model_counts"] = [entry["models"].get(m, 0) for m in Agreement.Model.values]
        totals = {
            "total": sum(r["total"] for r in states),
            "agencies": sum(r["agencies"] for r in states),
            "model_counts": [sum(r["models"].get(m, 0) for r in states) for m in Agreement.Model.values],
        }
        return states, totals

    def by_public_id(self, public_id: str):
        """The agreement with this published ID or one of its aliases (IDs of merged histories)."""
        return self.filter(models.Q(public_id=public_id) | models.Q(aliases__contains=[public_id])).first()


class Agreement(models.Model):
    class Model(models.TextChoices):
        JAIL = "jail", _("Jail Enforcement")
        WARRANT = "warrant", _("Warrant Service Officer")
        TASK_FORCE = "task-force", _("Task Force")

    public_id = models.CharField(
        max_length=300,
        unique=True,
        help_text=_("Published ID (agency key/model of its earliest name); never changes."),
    )
    aliases = ArrayField(
        models.CharField(max_length=300),
        default=list,
        blank=True,
        help_text=_("IDs this agreement had under ICE's other names for the agency; they still lead here."),
    )
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="agreements")
    model = models.CharField(max_length=12, choices=Model.choices)
    signed = models.DateField(null=True, blank=True)
    signed_raw = models.CharField(
        max_length=60,
        blank=True,
        help_text=_(
            "SIGNED as ICE wrote it, if not a clean date. Beside a signed date: the typo that date was read from."
        ),
    )
    moa_url = models.URLField(
        max_length=500,
        blank=True,
        validators=[validate_http_url],
        help_text=_("The signed agreement (PDF) on ice.gov."),
    )
    addendum_url = models.URLField(max_length=500, blank=True, validators=[validate_http_url])
    details_locked = models.BooleanField(
        default=False,
        help_text=_("Set when an editor corrected the date or links: later imports keep the correction."),
    )
    first_listed = models.ForeignKey(Snapshot, on_delete=models.PROTECT, related_name="+")
    last_listed = models.ForeignKey(Snapshot, on_delete=models.PROTECT, related_name="+")
    dropped_on = models.ForeignKey(
        Snapshot,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The first list after its last listing that no longer had it (none while current)."),
    )
    first_listed_is_oldest = models.BooleanField(
        default=False,
        help_text=_("Already on the oldest list the site holds: when it first appeared is not known."),
    )
    gone_from = models.ForeignKey(
        Snapshot,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "An agreement that left ICE's list and came back: the first list without it before its latest "
            "return (none if it was never gone)."
        ),
    )
    back_on = models.ForeignKey(
        Snapshot,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The list where it came back after that gap (none if it was never gone)."),
    )
    is_current = models.BooleanField(default=True, help_text=_("Listed on ICE's newest workbook."))

    objects = AgreementQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["agency__name", "model"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "model"], name="agreement_unique_agency_model")
        ]

    def __str__(self):
        return f"{self.agency.name}: {self.get_model_display()}"

    def get_absolute_url(self):
        return reverse("counties:agreement", kwargs={"public_id": self.public_id})


class RequestQuerySet(models.QuerySet):
    def current(self):
        return self.filter(outcome=Request.Outcome.PENDING)


class Request(models.Model):
    """A request for an agreement, as ICE's pending list shows it, and what became of it (set by the rebuild)."""

    class Outcome(models.TextChoices):
        SIGNED = "signed", _("Signed: ICE listed the agreement")
        PENDING = "pending", _("Still on ICE's newest pending list")
        DROPPED = "dropped", _("Gone from the pending list without an agreement")
        ALREADY = "already", _("Requested while an agreement was already listed")

    public_id = models.CharField(max_length=300, unique=True, help_text=_("Published ID; never changes."))
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="requests")
    model = models.CharField(
        max_length=12,
        choices=Agreement.Model.choices,
        blank=True,
        help_text=_("Blank when ICE's pending list gives no model (SUPPORT TYPE empty)."),
    )
    first_pending = models.ForeignKey(Snapshot, on_delete=models.PROTECT, related_name="+")
    last_pending = models.ForeignKey(Snapshot, on_delete=models.PROTECT, related_name="+")
    first_pending_is_oldest = models.BooleanField(
        default=False, help_text=_("Already on the oldest pending list the site holds.")
    )
    gone_on = models.ForeignKey(
        Snapshot,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The first pending list after its last one that no longer had it."),
    )
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    signed_on = models.ForeignKey(
        Snapshot,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The first participating list, on or after the request, that shows the agreement."),
    )
    agreement = models.ForeignKey(
        Agreement,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="requests",
        help_text=_("The agreement it became (signed), or the one already listed."),
    )

    objects = RequestQuerySet.as_manager()

    class Meta:
        ordering = ["agency__name", "model", "first_pending__as_of"]

    def __str__(self):
        return f"{self.agency.name}: {self.model_label} requested"

    @property
    def model_label(self) -> str:
        """The model's name, or 'model not given' when ICE's pending list gives none."""
        return self.get_model_display() if self.model else str(_("model not given"))

    @property
    def days_to_sign(self) -> int | None:
        """Days from the first pending list that showed the request to the first list showing the agreement."""
        if self.outcome != self.Outcome.SIGNED or self.signed_on is None:
            return None
        return (self.signed_on.as_of - self.first_pending.as_of).days


class Change(models.Model):
    """A dated change that ICE's lists show (set by the rebuild; never typed by hand)."""

    class Kind(models.TextChoices):
        LISTED = "listed", _("Agreement first listed")
        ON_OLDEST = "on-oldest", _("Already on the oldest list the site holds")
        DELISTED = "delisted", _("Agreement no longer listed")
        RELISTED = "relisted", _("Agreement listed again")
        PDF_PUBLISHED = "pdf", _("Signed agreement published")
        PDF_REPLACED = "pdf-replaced", _("Linked document changed")
        ADDENDUM = "addendum", _("Addendum published")
        RESIGNED = "resigned", _("Agreement signed again")
        DATE_CORRECTED = "date-fixed", _("Signing date corrected")
        DATE_CHANGED = "date-changed", _("Signing date changed")
        RENAMED = "renamed", _("Agency renamed on ICE's list")
        REQUESTED = "requested", _("Agreement requested")
        REQUEST_ON_OLDEST = "requested-oldest", _("Request already on the oldest pending list")
        REQUEST_DROPPED = "request-dropped", _("Request gone without an agreement")

    key = models.CharField(
        max_length=400, unique=True, help_text=_("Stable identity, e.g. for feed entries.")
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    date = models.DateField()
    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="changes")
    previous = models.ForeignKey(
        Snapshot,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("The list before it that still showed the old state."),
    )
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="changes")
    agreement = models.ForeignKey(
        Agreement, null=True, blank=True, on_delete=models.CASCADE, related_name="changes"
    )
    request = models.ForeignKey(
        Request, null=True, blank=True, on_delete=models.CASCADE, related_name="changes"
    )
    model = models.CharField(max_length=12, choices=Agreement.Model.choices, blank=True)
    old_value = models.CharField(max_length=500, blank=True)
    new_value = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-date", "kind", "key"]
        indexes = [models.Index(fields=["-date"], name="change_date")]

    def __str__(self):
        return f"{self.date}: {self.get_kind_display()} ({self.agency})"


class Source(models.Model):
    """Where a fact comes from: a statute, an article, an agreement PDF, a court record."""

    title = models.CharField(
        max_length=300, help_text=_("The document's own title, e.g. the minutes' heading.")
    )
    publisher = models.CharField(max_length=200, help_text=_("Who published it: a county, a newspaper, ICE."))
    published = models.DateField(
        null=True, blank=True, help_text=_("The date on the document, if it has one.")
    )
    url = models.URLField(
        max_length=500,
        validators=[validate_http_url],
        help_text=_("Where a reader can see it (http or https)."),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-published", "title"]

    def __str__(self):
        return f"{self.title} ({self.publisher})"


class EventQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)


class Event(models.Model):
    """A dated, sourced fact an editor adds to a county's or agency's timeline."""

    class Kind(models.TextChoices):
        VOTE = "vote", _("Commissioners court vote")
        APPLICATION = "application", _("Application to ICE")
        STATEMENT = "statement", _("Public statement")
        AGREEMENT = "agreement", _("Agreement not yet on ICE's list")
        OTHER = "other", _("Other")

    county = models.ForeignKey(County, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    date = models.DateField()
    kind = models.CharField(max_length=12, choices=Kind.choices)
    summary = models.CharField(
        max_length=300, help_text=_("One plain sentence, as a resident would read it.")
    )
    summary_es = models.CharField(max_length=300, blank=True, help_text=_("The same sentence in Spanish."))
    note = models.TextField(blank=True)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="events")
    is_published = models.BooleanField(default=False, help_text=_("Drafts are not shown to readers."))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EventQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(county__isnull=False) | models.Q(agency__isnull=False),
                name="event_names_county_or_agency",
                violation_error_message=_("Choose the county or the agency this event is about."),
            )
        ]

    def __str__(self):
        return f"{self.date}: {self.summary}"


class ZipCode(models.Model):
    """A USPS ZIP code and every county it touches (HUD USPS ZIP-county crosswalk)."""

    code = models.CharField(max_length=5, unique=True, help_text=_("Five-digit USPS ZIP code."))
    city = models.CharField(max_length=100, blank=True, help_text=_("USPS preferred city name, e.g. DALLAS."))
    city_key = models.CharField(
        max_length=100, blank=True, db_index=True, help_text=_("Folded city name for search.")
    )
    state = models.ForeignKey(State, on_delete=models.PROTECT, related_name="zip_codes")
    counties = models.ManyToManyField(County, through="ZipCounty", related_name="zip_codes")

    class Meta:
        ordering = ["code"]
        verbose_name = _("ZIP code")

    def __str__(self):
        return self.code


class ZipCounty(models.Model):
    """The part of a ZIP code's addresses that lie in one county."""

    zip_code = models.ForeignKey(ZipCode, on_delete=models.CASCADE, related_name="zip_counties")
    county = models.ForeignKey(County, on_delete=models.CASCADE, related_name="zip_counties")
    share = models.DecimalField(
        max_digits=7,
        decimal_places=6,
        help_text=_(
            "Share of the ZIP's residential addresses in this county (all addresses if it has none)."
        ),
    )
    res_ratio = models.DecimalField(max_digits=7, decimal_places=6)
    tot_ratio = models.DecimalField(max_digits=7, decimal_places=6)

    class Meta:
        ordering = ["zip_code", "-share"]
        constraints = [models.UniqueConstraint(fields=["zip_code", "county"], name="zipcounty_unique")]

    def __str__(self):
        return f"{self.zip_code} in {self.county} ({self.share:.0%})"


class PlaceQuerySet(models.QuerySet):
    def matching(self, text):
        key = fold(text)
        return self.filter(search_key__startswith=key) if key else self.none()


class Place(models.Model):
    """A Census place (city, town, village or census-designated place) and the counties it lies in."""

    geoid = models.CharField(
        max_length=7, unique=True, help_text=_("Census state + place code, e.g. 4819000.")
    )
    state = models.ForeignKey(State, on_delete=models.PROTECT, related_name="places")
    name = models.CharField(max_length=120, help_text=_("Name without the legal suffix, e.g. Dallas."))
    full_name = models.CharField(
        max_length=140, help_text=_("Census name with its suffix, e.g. Dallas city.")
    )
    kind = models.CharField(max_length=40, blank=True, help_text=_("Legal suffix: city, town, village, CDP…"))
    incorporated = models.BooleanField(default=True, help_text=_("False for census-designated places."))
    search_key = models.CharField(max_length=140, db_index=True, help_text=_("Folded name used by search."))
    counties = models.ManyToManyField(County, through="PlaceCounty", related_name="places")

    objects = PlaceQuerySet.as_manager()

    class Meta:
        ordering = ["state__name", "name"]

    def __str__(self):
        return f"{self.full_name}, {self.state.code}"


class PlaceCounty(models.Model):
    """One county a place lies in. The Census file lists the counties but no shares, so none are stored."""

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="place_counties")
    county = models.ForeignKey(County, on_delete=models.CASCADE, related_name="place_counties")

    class Meta:
        ordering = ["place", "county__name"]
        constraints = [models.UniqueConstraint(fields=["place", "county"], name="placecounty_unique")]

    def __str__(self):
        return f"{self.place} in {self.county}"


class CorrectionQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=Correction.Status.OPEN)


class Correction(models.Model):
    """A report from the public that something on a county page is wrong, reviewed by an editor."""

    WHAT_MAX = 2000
    CONTACT_MAX = 200

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    county = models.ForeignKey(County, on_delete=models.CASCADE, related_name="corrections")
    what_is_wrong = models.TextField(validators=[MaxLengthValidator(WHAT_MAX)])
    source_url = models.URLField(max_length=500, blank=True, validators=[validate_http_url])
    contact = models.CharField(
        max_length=CONTACT_MAX, blank=True, help_text=_("Optional; never shown on the site.")
    )
    language = models.CharField(
        max_length=8, blank=True, help_text=_("Language of the page the report came from.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    answer = models.TextField(
        blank=True, help_text=_("What the editors found and did. Required to close the report.")
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = CorrectionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="open")
                | (models.Q(closed_at__isnull=False) & ~models.Q(answer="")),
                name="correction_closed_has_answer",
                violation_error_message=_("A closed correction needs an answer."),
            )
        ]

    def __str__(self):
        return f"{self.county}: {self.what_is_wrong[:60]}"


class DataVersion(models.Model):
    """One row: a counter of changes to what public pages show (counties/pagecache.py keys pages on it)."""

    counter = models.BigIntegerField(default=0)
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("data version")

    def __str__(self):
        return f"Data version {self.counter}"


class SyncRunQuerySet(models.QuerySet):
    def last_success(self):
        return self.filter(result__in=SyncRun.SUCCESSES).order_by("-finished_at").first()


class SyncRun(models.Model):
    """One check of ICE's site by `manage.py sync_ice_287g` (the scheduled job): one row for ICE's page and
    one for each of its two lists, so editors and readers know when the site last looked."""

    class Item(models.TextChoices):
        PAGE = "page", _("ICE's 287(g) page")
        PARTICIPATING = "participating", _("Participating agencies list")
        PENDING = "pending", _("Pending agencies list")

    class Result(models.TextChoices):
        UNCHANGED = "unchanged", _("Unchanged: the list we hold is confirmed")
        IMPORTED = "imported", _("A new list imported")
        HELD = "held", _("Held for an editor, not imported")
        FAILED = "failed", _("Failed")
        FOUND = "found", _("Page read, links found")
        ABSENT = "absent", _("ICE's page links no such list")

    SUCCESSES = (Result.UNCHANGED, Result.IMPORTED, Result.FOUND)

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    item = models.CharField(max_length=16, choices=Item.choices)
    url = models.URLField(max_length=500, blank=True)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    result = models.CharField(max_length=10, choices=Result.choices)
    message = models.TextField(
        blank=True, help_text=_("What happened, in plain words (the error, why a file is held).")
    )
    filename = models.CharField(
        max_length=255,
        blank=True,
        help_text=_("ICE's name for the file (its Content-Disposition, else its address)."),
    )
    link_text = models.CharField(max_length=200, blank=True, help_text=_("The link's text on ICE's page."))
    kind_from = models.CharField(
        max_length=16,
        blank=True,
        help_text=_("What told which list this is: its file name, the link's text, or its columns."),
    )
    list_date = models.DateField(
        null=True, blank=True, help_text=_("The date of the list, from ICE's file name (see dated by).")
    )
    date_from = models.CharField(
        max_length=16,
        blank=True,
        verbose_name=_("dated by"),
        help_text=_("What the list's date came from: its file name, or the server's Last-Modified."),
    )
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True)
    etag = models.CharField(max_length=200, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    snapshot = models.ForeignKey(Snapshot, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    held_file = models.BinaryField(
        null=True, blank=True, help_text=_("A held workbook, for an editor to look at.")
    )

    objects = SyncRunQuerySet.as_manager()

    class Meta:
        ordering = ["-finished_at", "item"]
        verbose_name = _("check of ICE's site")
        verbose_name_plural = _("checks of ICE's site")

    def __str__(self):
        return f"{self.get_item_display()} {self.finished_at:%Y-%m-%d %H:%M}: {self.get_result_display()}"

    @property
    def succeeded(self) -> bool:
        return self.result in self.SUCCESSES


class SharedPage(models.Model):
    """A rendered public page kept for every process and server (counties/pagecache.py), one row a key."""

    key = models.CharField(max_length=80, primary_key=True)
    page = models.BinaryField(help_text=_("The kept page (pickled), its body gzip-compressed."))
    expires = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("shared kept page")

    def __str__(self):
        return self.key


class PendingUploadQuerySet(models.QuerySet):
    def expired(self, now: datetime.datetime):
        return self.filter(created_at__lt=now - PendingUpload.KEEP)


class PendingUpload(models.Model):
    """An ICE workbook uploaded in the admin, waiting for its editor to confirm or cancel the preview.

    Kept in the database, not on one server's disk, so that any app server can confirm or cancel it.
    At most an hour (KEEP); older ones are swept at the next upload.
    """

    KEEP = datetime.timedelta(hours=1)

    token = models.CharField(max_length=64, unique=True, help_text="Sent by the confirm and cancel forms.")
    data = models.BinaryField(help_text="The workbook's bytes, exactly as uploaded.")
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    filename = models.CharField(max_length=255)
    as_of = models.DateField(help_text="The date of ICE's list, as shown in the preview.")
    kind = models.CharField(max_length=16, choices=Snapshot.Kind.choices)
    source_url = models.URLField(max_length=500, blank=True)
    editor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PendingUploadQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return (
            f"{self.filename} ({self.as_of}), uploaded by {self.editor} at {self.created_at:%Y-%m-%d %H:%M}"
        )


# What public pages show, and so what a kept page depends on. Every model of this app is in exactly one of
# the three tuples (tests/counties/test_pagecache.py checks it):
# - PUBLIC_MODELS: saved one by one (an editor in the admin, an import's Snapshot): each save or delete makes
#   a new data version (signals wired in counties/apps.py);
# - PUBLIC_BULK_MODELS: written only in bulk, by the reference loader and the importer's rebuild, which
#   make the new data version themselves (pagecache.data_changed()); no signal per row, so that deleting
#   50,000 ZIP links stays one query (an editor's change to an agency's counties, in the agency's admin
#   page, makes the new data version there too);
# - NOT_ON_PUBLIC_PAGES: never read by a public page.
PUBLIC_MODELS = (County, Snapshot, Agency, Agreement, Source, Event)
PUBLIC_BULK_MODELS = (
    State, ZipCode, ZipCounty, Place, PlaceCounty, AgencyName, AgencyCounty, Request, Change,
)  # fmt: skip
NOT_ON_PUBLIC_PAGES = (
    SnapshotData,
    ReferenceLoad,
    Correction,
    DataVersion,
    SharedPage,
    SyncRun,
    PendingUpload,
)
