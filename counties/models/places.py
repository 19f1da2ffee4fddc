"""Places and the reference data: states, counties, ZIP codes, Census places, and each load of them."""

from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..text import fold

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

    class JailSource(models.TextChoices):
        TCJS = "tcjs", _("The Texas Commission on Jail Standards report the site loaded")
        EDITOR = "editor", _("An editor (the county's history says why)")

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
            "From the Texas Commission on Jail Standards' report, or an editor's check. Decides whether "
            "Texas SB 8 says the sheriff shall request and enter into a 287(g) agreement."
        ),
    )
    jail_status_as_of = models.DateField(
        null=True,
        blank=True,
        help_text=_(
            "The date of the TCJS report behind the jail status, or the day an editor changed it (set by "
            "the report's load or by the editor's change)."
        ),
    )
    jail_status_note = models.TextField(
        blank=True,
        help_text=_(
            "Caveats about the jail status, shown to readers. Emptied when an editor changes the status, "
            "unless they write a new one in the same save."
        ),
    )
    # Who set the jail status: the report's load, or an editor's change in the admin, which loading the
    # report again keeps (only a report dated after the change replaces it: importers/reference.py).
    jail_status_source = models.CharField(max_length=10, choices=JailSource.choices, default=JailSource.TCJS)
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
    """A place and the counties it lies in: in Texas a Census place (city, town, village or census-designated
    place) with every county it lies in; elsewhere a GeoNames place with the county its point lies in
    (fixtures/places/, fixtures/SOURCES.md)."""

    class Source(models.TextChoices):
        CENSUS = "census", _("Census place file")
        GEONAMES = "geonames", _("GeoNames, placed by its point in the Census county shapes")

    geoid = models.CharField(
        max_length=12,
        unique=True,
        help_text=_("Census state + place code, e.g. 4819000; for GeoNames places 'gn' + its GeoNames id."),
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.CENSUS)
    population = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text=_("GeoNames' population (orders search results); none for Census rows."),
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
