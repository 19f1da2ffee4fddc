"""The agencies on ICE's lists, the counties they work in, the names ICE gave them, their agreements and
requests (all set by the rebuild, counties/importers/rebuild/)."""

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .fields import validate_http_url
from .lists import Snapshot, optional_snapshot
from .places import County, State


class AgencyHistory(models.Model):
    """What an agency's history rows hold beyond its own fields: the counties it worked in after that save
    (its AgencyCounty rows), so that undoing an edit puts them back with the agency (issue 27)."""

    county_rows = models.JSONField(
        null=True,
        blank=True,
        editable=False,
        verbose_name=_("counties it works in"),
        help_text=_(
            "Its county rows after this save: county id, share, how placed, evidence. Empty: not recorded."
        ),
    )

    class Meta:
        abstract = True


class Agency(models.Model):
    class Kind(models.TextChoices):
        SHERIFF = "sheriff", _("Sheriff's office")
        POLICE = "police", _("Police department")
        CONSTABLE = "constable", _("Constable's office")
        MARSHAL = "marshal", _("Marshal's office")
        DISTRICT_ATTORNEY = "da", _("Prosecutor's office")  # district, county or state attorney
        STATE = "state", _("State agency")
        OTHER = "other", _("Other agency")

    class Placement(models.TextChoices):
        ICE = "ice", _("ICE's county column")
        NAME = "name", _("the county in the agency's name")
        PLACE = "place", _("the city in the agency's name (Census places)")
        GEONAMES = "geonames", _("the city in the agency's name (GeoNames places and Census county shapes)")
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
        CONFLICT = "conflict", _("ICE's county is not where its city is")
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
    first_seen = optional_snapshot(_("The first of ICE's lists (either kind) that names the agency."))

    history = HistoricalRecords(bases=[AgencyHistory])

    class Meta:
        ordering = ["state__name", "name"]
        verbose_name_plural = _("agencies")

    def __str__(self):
        return f"{self.name} ({self.state.code})"

    def county_rows(self) -> list[dict]:
        """Its AgencyCounty rows as kept in its history (AgencyHistory.county_rows)."""
        return [
            {"county": county, "share": None if share is None else str(share), "placed_by": how, "via": via}
            for county, share, how, via in self.placements.order_by("county_id").values_list(
                "county_id", "share", "placed_by", "via"
            )
        ]

    def fingerprint_extra(self) -> list[dict]:
        """What the agency's admin form edits besides its fields (counties/editing.record_version): two
        editors changing its counties at once are told, as for its fields."""
        return self.county_rows()

    def set_county_rows(self, rows: list[dict]) -> None:
        """Make its AgencyCounty rows `rows` (from county_rows()); counties no longer held are left out."""
        known = set(
            County.objects.filter(pk__in=[row["county"] for row in rows]).values_list("pk", flat=True)
        )
        self.placements.all().delete()
        AgencyCounty.objects.bulk_create(
            AgencyCounty(
                agency=self,
                county_id=row["county"],
                share=row.get("share"),
                placed_by=row.get("placed_by") or self.Placement.EDITOR,
                via=row.get("via") or "",
            )
            for row in rows
            if row["county"] in known
        )


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


# An agreement's or a request's agency is a sheriff's office: the one way the site says "the sheriff's".
OF_SHERIFFS = models.Q(agency__kind=Agency.Kind.SHERIFF)
PUBLIC_ID_LENGTH = 300


class AgreementQuerySet(models.QuerySet):
    def current(self):
        return self.filter(is_current=True)

    def of_sheriffs(self):
        return self.filter(OF_SHERIFFS)

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
            sheriffs=models.Count("agency", distinct=True, filter=OF_SHERIFFS),
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
        if "\x00" in public_id or len(public_id) > PUBLIC_ID_LENGTH:  # no ID holds these (PostgreSQL: a 500)
            return None
        return self.filter(models.Q(public_id=public_id) | models.Q(aliases__contains=[public_id])).first()


class Agreement(models.Model):
    class Model(models.TextChoices):
        JAIL = "jail", _("Jail Enforcement")
        WARRANT = "warrant", _("Warrant Service Officer")
        TASK_FORCE = "task-force", _("Task Force")

    public_id = models.CharField(
        max_length=PUBLIC_ID_LENGTH,
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
    dropped_on = optional_snapshot(
        _("The first list after its last listing that no longer had it (none while current).")
    )
    first_listed_is_oldest = models.BooleanField(
        default=False,
        help_text=_("Already on the oldest list the site holds: when it first appeared is not known."),
    )
    gone_from = optional_snapshot(
        _(
            "An agreement that left ICE's list and came back: the first list without it before its latest "
            "return (none if it was never gone)."
        )
    )
    back_on = optional_snapshot(_("The list where it came back after that gap (none if it was never gone)."))
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
