"""Editors' admin: states, counties (the fields editors keep), reference loads, ZIP codes and places."""

import re

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Value, When
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from ..editing import EditorAdmin, ReadOnlyAdmin, ReadOnlyInline, mark_counties_checked
from ..models import (
    County,
    Place,
    PlaceCounty,
    ReferenceLoad,
    State,
    ZipCode,
    ZipCounty,
)
from ..text import fold
from .county_page import overview


@admin.register(State)
class StateAdmin(ReadOnlyAdmin):
    list_display = ["name", "code", "fips"]
    search_fields = ["name", "code"]


JAIL_FIELDS = ["jail_status", "jail_status_source", "jail_status_as_of"]


@admin.register(County)
class CountyAdmin(EditorAdmin):
    list_display = ["name", "state", "fips", "jail_status", "last_verified_at", "last_verified_by"]
    list_filter = [
        "state",
        "jail_status",
        "jail_status_source",
        ("last_verified_at", admin.EmptyFieldListFilter),
    ]
    search_fields = ["name", "fips", "search_key"]
    readonly_fields = [
        "fips",
        "state",
        "name",
        "short_name",
        "slug",
        "search_key",
        "jail_status_as_of",
        "jail_status_source",
        "last_verified_at",
        "last_verified_by",
    ]
    list_select_related = ["state", "last_verified_by"]
    actions = ["mark_checked"]
    reason_required = True
    change_form_template = "admin/counties/county/change_form.html"

    def has_add_permission(self, request):
        return False  # counties come from the Census reference data

    def get_readonly_fields(self, request, obj=None):
        """The jail status is the TCJS report's, for SB 8: Texas's. Elsewhere no public page or download
        uses it, and here it is shown, not edited (save_model keeps it as stored, a revert included)."""
        fields = super().get_readonly_fields(request, obj)
        if obj is not None and obj.state.code != "TX":
            return [*fields, "jail_status", "jail_status_note"]
        return fields

    def save_model(self, request, obj, form, change):
        """An editor who changes the jail status makes it the editors', dated that day: the page says so,
        and loading the TCJS report again keeps it (County.jail_status_source). The report's caveat goes
        with the report's status, unless the editor wrote the note in the same save. Compared with the row
        as stored (locked by GuardedForm), not with the form's starting values: a revert from the history
        restores an old version's fields, and the source and date are never a form's to set."""
        stored = County.objects.filter(pk=obj.pk).values(*JAIL_FIELDS, "jail_status_note").first()
        if stored is not None and obj.state.code != "TX":
            for name, value in stored.items():  # a revert writes the old version's whole row
                setattr(obj, name, value)
        elif stored is not None:
            if obj.jail_status != stored["jail_status"]:
                obj.jail_status_source = County.JailSource.EDITOR
                obj.jail_status_as_of = timezone.localdate()
                if (
                    not getattr(request, "_history_revert", False)
                    and "jail_status_note" not in form.changed_data
                ):
                    obj.jail_status_note = ""
            else:
                obj.jail_status_source = stored["jail_status_source"]
                obj.jail_status_as_of = stored["jail_status_as_of"]
        super().save_model(request, obj, form, change)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The county's page shows what its public page shows, and one timeline (county_page.py)."""
        county = self.get_object(request, object_id)
        extra = {"overview": overview(county)} if county is not None else {}
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    def get_search_results(self, request, queryset, search_term):
        """What the county pickers (events, agencies, an agency's counties) find: "Dallas", "Dallas, TX",
        "Dallas County, TX", "dallas tx", "Dallas County, Texas" or a FIPS code, Texas first (as the public
        search), then by name and state. Every choice shows its state ("Dallas County, TX")."""
        term = " ".join(search_term.split())
        queryset = queryset.select_related("state")  # each choice shows its state: no query per row
        if not term:
            return super().get_search_results(request, queryset, search_term)
        if re.fullmatch(r"\d{1,5}", term):
            return queryset.filter(fips__startswith=term).order_by("fips"), False
        name, state = county_and_state(term)
        found = queryset.filter(search_key__contains=name) if name else queryset
        if state is not None:
            found = found.filter(state=state)
        texas_first = Case(
            When(state__code="TX", then=Value(0)), default=Value(1), output_field=IntegerField()
        )
        starts = Case(
            When(search_key__startswith=name, then=Value(0)), default=Value(1), output_field=IntegerField()
        )
        return found.order_by(texas_first, starts, "name", "state__code"), False

    @admin.action(description="Mark selected counties as checked now (by me)", permissions=["change"])
    def mark_checked(self, request, queryset):
        count = mark_counties_checked(queryset, request.user)
        self.message_user(request, f"Marked {count} county(ies) as checked by you, now.", messages.SUCCESS)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/checked/", view(require_POST(self.checked_view)), name="counties_county_checked"),
            *super().get_urls(),
        ]

    def checked_view(self, request, pk):
        county = get_object_or_404(County, pk=pk)
        if not self.has_change_permission(request, county):
            raise PermissionDenied
        mark_counties_checked(County.objects.filter(pk=pk), request.user)
        self.message_user(request, f"{county} marked as checked by you, now.", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:counties_county_change", args=[pk]))


@admin.register(ReferenceLoad)
class ReferenceLoadAdmin(ReadOnlyAdmin):
    """When counties, seats, jail status, ZIP codes and places were last loaded from fixtures/."""

    list_display = ["loaded_at", "summary"]
    date_hierarchy = "loaded_at"

    def has_delete_permission(self, request, obj=None):
        return False


class ZipCountyInline(ReadOnlyInline):
    model = ZipCounty
    fields = ["county", "share", "res_ratio", "tot_ratio"]
    readonly_fields = fields


@admin.register(ZipCode)
class ZipCodeAdmin(ReadOnlyAdmin):
    """Loaded from HUD's crosswalk by load_reference_data; read-only here."""

    list_display = ["code", "city", "state"]
    list_filter = ["state"]
    search_fields = ["code", "city"]
    readonly_fields = ["code", "city", "city_key", "state"]
    inlines = [ZipCountyInline]


class PlaceCountyInline(ReadOnlyInline):
    model = PlaceCounty
    fields = ["county"]
    readonly_fields = fields


@admin.register(Place)
class PlaceAdmin(ReadOnlyAdmin):
    """Loaded from the Census place file by load_reference_data; read-only here."""

    list_display = ["full_name", "state", "kind", "incorporated"]
    list_filter = ["state", "kind", "incorporated"]
    search_fields = ["name", "full_name"]
    readonly_fields = ["geoid", "state", "name", "full_name", "kind", "incorporated", "search_key"]
    inlines = [PlaceCountyInline]


_COUNTY_WORDS = re.compile(r"\b(county|parish|borough|co)\b\.?", re.I)


def county_and_state(term: str) -> tuple[str, State | None]:
    """'Dallas County, TX' -> ('dallas', Texas); 'dallas tx' -> ('dallas', Texas); 'Dallas' -> ('dallas', None).
    A state is read from the end of what was typed (its two-letter code or its name), and only when a name
    is left before it (so "Texas" alone looks for a county named like it)."""
    words = fold(term.replace(",", " ")).split()
    states = {s.code.lower(): s for s in State.objects.all()}
    by_name = {fold(s.name): s for s in states.values()}
    if not re.search(r",\s*co\.?$", term, re.I):
        states.pop("co", None)  # "Harris Co." is a county; Colorado is "Denver, CO" or "Colorado"
    state = None
    for size in (3, 2, 1):
        if len(words) > size:
            tail = " ".join(words[-size:])
            found = by_name.get(tail) or (states.get(tail) if size == 1 else None)
            if found is not None:
                state, words = found, words[:-size]
                break
    name = _COUNTY_WORDS.sub(" ", " ".join(words))
    return " ".join(name.split()), state
