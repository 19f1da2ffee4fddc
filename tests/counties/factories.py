"""factory_boy factories for the core models. Tests that use them run on an empty database; the real
shipped data is a fixture of its own (`shipped`, tests/conftest.py)."""

import datetime

import factory
from django.utils.text import slugify

from counties.models import Agency, AgencyCounty, Agreement, County, Event, Snapshot, Source, State
from counties.text import fold


class StateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = State
        django_get_or_create = ("code",)

    code = "ZZ"
    fips = "99"
    name = "Testland"


class CountyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = County

    state = factory.SubFactory(StateFactory)
    fips = factory.Sequence(lambda n: f"99{n:03d}")
    name = factory.Sequence(lambda n: f"Sample {n} County")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    search_key = factory.LazyAttribute(lambda o: fold(o.name))
    population = 10_000
    population_year = 2023


class SnapshotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Snapshot

    kind = Snapshot.Kind.PARTICIPATING
    as_of = factory.Sequence(lambda n: datetime.date(2026, 6, 1) + datetime.timedelta(days=n))
    unchanged_through = factory.SelfAttribute("as_of")
    sha256 = factory.Sequence(lambda n: f"{n:064x}")
    content_key = factory.Sequence(lambda n: f"content-{n}")
    filename = factory.LazyAttribute(lambda o: f"{o.kind}-{o.as_of:%Y-%m-%d}.xlsx")


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        skip_postgeneration_save = True

    state = factory.SubFactory(StateFactory)
    county = factory.SubFactory(CountyFactory, state=factory.SelfAttribute("..state"))
    name = factory.LazyAttribute(
        lambda o: o.county.name + " Sheriff's Office" if o.county else "State Police"
    )
    key = factory.Sequence(lambda n: f"agency-{n}")
    kind = Agency.Kind.SHERIFF
    ice_type = "County"
    placed_by = factory.LazyAttribute(lambda o: Agency.Placement.ICE if o.county else "")

    @factory.post_generation
    def placements(self, create, extracted, **kwargs):
        """The agency works in its county (an AgencyCounty row), as the import records it."""
        if create and self.county_id:
            AgencyCounty.objects.create(agency=self, county=self.county, placed_by=self.placed_by or "ice")


def place(agency: Agency, *counties: County, placed_by=Agency.Placement.EDITOR) -> Agency:
    """Put an agency in these counties (the first its main one), as an editor does in the admin."""
    AgencyCounty.objects.filter(agency=agency).delete()
    for county in counties:
        AgencyCounty.objects.create(agency=agency, county=county, placed_by=placed_by)
    agency.county = counties[0] if counties else None
    agency.placed_by = placed_by if counties else ""
    agency.save()
    return agency


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement

    agency = factory.SubFactory(AgencyFactory)
    model = Agreement.Model.TASK_FORCE
    public_id = factory.LazyAttribute(lambda o: f"{o.agency.key}/{o.model}")
    signed = datetime.date(2025, 3, 1)
    moa_url = "https://www.ice.gov/doclib/287gMOA/example.pdf"
    first_listed = factory.SubFactory(SnapshotFactory)
    last_listed = factory.SelfAttribute("first_listed")
    is_current = True


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    title = "Commissioners court minutes"
    publisher = "Sample County"
    published = datetime.date(2026, 1, 15)
    url = "https://example.org/minutes.pdf"


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    county = factory.SubFactory(CountyFactory)
    date = datetime.date(2026, 1, 15)
    kind = Event.Kind.VOTE
    summary = "The commissioners court voted to apply for a 287(g) agreement."
    summary_es = "La corte de comisionados votó para pedir un acuerdo 287(g)."
    source = factory.SubFactory(SourceFactory)
    is_published = True
