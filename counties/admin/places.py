"""Editors' admin: states, counties (the fields editors keep), reference loads, ZIP codes and places."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse

from ..editing import EditorAdmin, ReadOnlyAdmin, mark_counties_checked
from ..models import (
    County,
    Place,
    PlaceCounty,
    ReferenceLoad,
    State,
    ZipCode,
    ZipCounty,
)


@admin.register(State)
class StateAdmin(ReadOnlyAdmin):
    list_display = ["name", "code", "fips"]
    search_fields = ["name", "code"]


@admin.register(County)
class CountyAdmin(EditorAdmin):
    list_display = ["name", "state", "fips", "jail_status", "last_verified_at", "last_verified_by"]
    list_filter = ["state", "jail_status", ("last_verified_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "fips", "search_key"]
    readonly_fields = [
        "fips",
        "state",
        "name",
        "short_name",
        "slug",
        "search_key",
        "last_verified_at",
        "last_verified_by",
    ]
    list_select_related = ["state", "last_verified_by"]
    actions = ["mark_checked"]
    reason_required = True
    change_form_template = "admin/counties/county/change_form.html"

    def has_add_permission(self, request):
        return False  # counties come from the Census reference data

    @admin.action(description="Mark selected counties as checked now (by me)", permissions=["change"])
    def mark_checked(self, request, queryset):
        count = mark_counties_checked(queryset, request.user)
        self.message_user(request, f"Marked {count} county(ies) as checked by you, now.", messages.SUCCESS)

    def get_urls(self):
        return [
            path(
                "<int:pk>/checked/",
                self.admin_site.admin_view(self.checked_view),
                name="counties_county_checked",
            ),
            *super().get_urls(),
        ]

    def checked_view(self, request, pk):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
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


class ZipCountyInline(admin.TabularInline):
    model = ZipCounty
    fields = ["county", "share", "res_ratio", "tot_ratio"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(ZipCode)
class ZipCodeAdmin(ReadOnlyAdmin):
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
class PlaceAdmin(ReadOnlyAdmin):
    """Loaded from the Census place file by load_reference_data; read-only here."""

    list_display = ["full_name", "state", "kind", "incorporated"]
    list_filter = ["state", "kind", "incorporated"]
    search_fields = ["name", "full_name"]
    readonly_fields = ["geoid", "state", "name", "full_name", "kind", "incorporated", "search_key"]
    inlines = [PlaceCountyInline]
