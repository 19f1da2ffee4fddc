from django.contrib import admin

from .models import (
    Agency,
    Agreement,
    County,
    Event,
    Place,
    PlaceCounty,
    Snapshot,
    SnapshotRow,
    Source,
    State,
    ZipCode,
    ZipCounty,
)


@admin.register(State)
class StateAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "fips"]
    search_fields = ["name", "code"]


@admin.register(County)
class CountyAdmin(admin.ModelAdmin):
    list_display = ["name", "state", "fips", "jail_status", "last_verified_at"]
    list_filter = ["state", "jail_status"]
    search_fields = ["name", "fips"]
    readonly_fields = ["fips", "short_name", "search_key"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "state", "kind", "county", "statewide", "unresolved_reason"]
    list_filter = ["kind", "statewide", "state"]
    search_fields = ["name", "key"]
    autocomplete_fields = ["county"]


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = ["agency", "model", "signed", "is_current", "first_listed", "last_listed"]
    list_filter = ["model", "is_current"]
    search_fields = ["agency__name"]
    autocomplete_fields = ["agency"]


@admin.register(Snapshot)
class SnapshotAdmin(admin.ModelAdmin):
    list_display = ["as_of", "filename", "rows_read", "rows_unresolved", "agreements_added", "agreements_dropped"]


@admin.register(SnapshotRow)
class SnapshotRowAdmin(admin.ModelAdmin):
    list_display = ["snapshot", "row_number", "agreement", "problem"]
    list_filter = ["snapshot"]


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["title", "publisher", "published"]
    search_fields = ["title", "publisher"]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["date", "summary", "county", "agency", "kind", "is_published"]
    list_filter = ["kind", "is_published"]
    autocomplete_fields = ["county", "agency", "source"]


class ZipCountyInline(admin.TabularInline):
    model = ZipCounty
    fields = ["county", "share", "res_ratio", "tot_ratio"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(ZipCode)
class ZipCodeAdmin(admin.ModelAdmin):
    """Loaded from HUD's crosswalk by load_reference_data; read-only here."""

    list_display = ["code", "city", "state"]
    list_filter = ["state"]
    search_fields = ["code", "city"]
    readonly_fields = ["code", "city", "city_key", "state"]
    inlines = [ZipCountyInline]


class PlaceCountyInline(admin.TabularInline):
    model = PlaceCounty
    fields = ["county"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    """Loaded from the Census place file by load_reference_data; read-only here."""

    list_display = ["full_name", "state", "kind", "incorporated"]
    list_filter = ["state", "kind", "incorporated"]
    search_fields = ["name", "full_name"]
    readonly_fields = ["geoid", "state", "name", "full_name", "kind", "incorporated", "search_key"]
    inlines = [PlaceCountyInline]
