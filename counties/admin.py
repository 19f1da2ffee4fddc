"""The editors' tool: the admin registrations. How an editor's change is recorded and guarded (history,
reasons, no silent overwrite) is in counties/editing.py; the ICE workbook upload in counties/admin_upload.py."""

from urllib.parse import urlencode

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from . import pagecache
from .admin_upload import SnapshotUploadMixin
from .editing import EditorAdmin, GuardedForm, ReadOnlyAdmin, mark_counties_checked
from .history import history_reason
from .models import (
    Agency,
    AgencyCounty,
    AgencyName,
    Agreement,
    Change,
    Correction,
    County,
    Event,
    Place,
    PlaceCounty,
    ReferenceLoad,
    Request,
    Snapshot,
    SnapshotData,
    Source,
    State,
    SyncRun,
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


class NeedsCountyFilter(admin.SimpleListFilter):
    title = "needs attention"
    parameter_name = "attention"

    def lookups(self, request, model_admin):
        return [
            ("no-county", "No county (not statewide)"),
            ("problem", "Import problem noted"),
            ("locked", "County set by an editor"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "no-county":
            return queryset.filter(county__isnull=True, statewide=False)
        if self.value() == "problem":
            return queryset.exclude(unresolved_reason="")
        if self.value() == "locked":
            return queryset.filter(county_locked=True)
        return queryset


class AgencyNameInline(admin.TabularInline):
    """The names ICE used for the agency, and why the site knows they are one agency (set by imports)."""

    model = AgencyName
    fields = ["name", "key", "why", "first_seen", "last_seen"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class AgencyCountyInline(admin.TabularInline):
    """Every county the agency works in. The import sets them (with the evidence); an editor may add one
    or change one, and from then on later imports keep the editor's counties."""

    model = AgencyCounty
    fields = ["county", "share", "placed_by", "via"]
    readonly_fields = ["share", "placed_by", "via"]
    autocomplete_fields = ["county"]
    extra = 0
    can_delete = False  # editors delete nothing: a county wrongly given is changed to the right one


class AgreementInline(admin.TabularInline):
    model = Agreement
    fields = ["model", "signed", "is_current", "first_listed", "last_listed"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Agency)
class AgencyAdmin(EditorAdmin):
    list_display = [
        "name",
        "state",
        "kind",
        "county",
        "county_raw",
        "statewide",
        "county_locked",
        "unresolved_reason",
    ]
    list_filter = [NeedsCountyFilter, "kind", "statewide", "state"]
    search_fields = ["name", "key", "county_raw"]
    autocomplete_fields = ["county"]
    readonly_fields = [
        "key",
        "state",
        "county_raw",
        "ice_type",
        "placed_by",
        "unresolved_reason",
        "first_seen",
    ]
    list_select_related = ["state", "county"]
    inlines = [AgencyCountyInline, AgencyNameInline, AgreementInline]
    reason_required = True

    def has_add_permission(self, request):
        return False  # agencies come from ICE's lists

    def save_related(self, request, form, formsets, change):
        """An editor who changes the main county or the list of counties decides where the agency works:
        the main county is one of its counties, and later imports keep the editor's choice (county_locked)."""
        super().save_related(request, form, formsets, change)
        counties_changed = any(f.has_changed() for f in formsets if f.model is AgencyCounty)
        if "county" not in form.changed_data and not counties_changed:
            return
        agency = form.instance
        if "county" in form.changed_data:  # the agency moved: from its old main county to the new one
            if not counties_changed:
                agency.placements.filter(county_id=form.initial.get("county")).delete()
            if agency.county_id:
                AgencyCounty.objects.get_or_create(
                    agency=agency, county_id=agency.county_id, defaults={"placed_by": Agency.Placement.EDITOR}
                )
        placements = agency.placements.all()
        placements.filter(placed_by="").update(placed_by=Agency.Placement.EDITOR)
        chosen = list(placements.values_list("county_id", flat=True))
        if agency.county_id not in chosen:
            agency.county_id = chosen[0] if chosen else None
            if agency.county_id and "county" in form.changed_data:
                messages.warning(
                    request,
                    "The main county is one of the counties the agency works in, so it is now "
                    f"{agency.county}. To take the agency out of a county, ask the site's administrator.",
                )
        agency.county_locked = bool(chosen)
        agency.placed_by = Agency.Placement.EDITOR if chosen else Agency.Placement.NONE
        agency.unresolved_reason = agency.unplaced_why = ""
        agency.save()
        pagecache.data_changed()  # AgencyCounty is written without a signal (models.PUBLIC_BULK_MODELS)


@admin.register(Agreement)
class AgreementAdmin(EditorAdmin):
    list_display = [
        "agency",
        "model",
        "signed",
        "is_current",
        "first_listed",
        "last_listed",
        "details_locked",
    ]
    list_filter = ["model", "is_current", "agency__state"]
    search_fields = ["agency__name", "public_id"]
    readonly_fields = [
        "public_id", "aliases", "agency", "first_listed", "first_listed_is_oldest", "last_listed", "dropped_on",
        "is_current", "signed_raw", "details_locked",
    ]  # fmt: skip
    list_select_related = ["agency", "first_listed", "last_listed"]
    reason_required = True

    def has_add_permission(self, request):
        return False  # agreements come from ICE's lists; record others as Events

    def save_model(self, request, obj, form, change):
        if {"signed", "moa_url", "addendum_url"} & set(form.changed_data):
            obj.details_locked = True  # later imports keep the editor's correction
        super().save_model(request, obj, form, change)


@admin.register(Request)
class RequestAdmin(ReadOnlyAdmin):
    """Requests on ICE's pending lists and what became of them (worked out by every import)."""

    list_display = ["agency", "model", "first_pending", "last_pending", "outcome", "signed_on"]
    list_filter = ["outcome", "model", "agency__state"]
    search_fields = ["agency__name", "public_id"]
    list_select_related = ["agency", "first_pending", "last_pending", "signed_on"]


@admin.register(Change)
class ChangeAdmin(ReadOnlyAdmin):
    """What each of ICE's lists changed (worked out by every import); shown on county pages and in feeds."""

    list_display = ["date", "kind", "agency", "model", "old_value", "new_value"]
    list_filter = ["kind", "model", "agency__state"]
    search_fields = ["agency__name", "key"]
    date_hierarchy = "date"
    list_select_related = ["agency"]


@admin.register(ReferenceLoad)
class ReferenceLoadAdmin(ReadOnlyAdmin):
    """When counties, seats, jail status, ZIP codes and places were last loaded from fixtures/."""

    list_display = ["loaded_at", "summary"]
    date_hierarchy = "loaded_at"

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Snapshot)
class SnapshotAdmin(SnapshotUploadMixin, ReadOnlyAdmin):
    list_display = [
        "as_of",
        "kind",
        "unchanged_through",
        "filename",
        "rows_read",
        "rows_unresolved",
        "agreements_added",
        "agreements_dropped",
        "agreements_changed",
        "origin",
        "imported_at",
    ]
    list_filter = ["kind", "origin"]
    exclude = ["counts"]
    readonly_fields = ["unresolved_rows"]
    change_list_template = "admin/counties/snapshot/change_list.html"

    @admin.display(description="rows that could not be placed")
    def unresolved_rows(self, snapshot):
        data = (
            SnapshotData.objects.filter(snapshot=snapshot).values_list("unresolved", flat=True).first() or []
        )
        if not data:
            return "None."
        search = reverse("admin:counties_agency_changelist")
        rows = format_html_join(
            "",
            '<tr><td>{}</td><td>{}</td><td>{} (<a href="{}">Find the agency</a>)</td><td>{}</td><td>{}</td></tr>',
            (
                (row[0], row[1], row[2], search + "?" + urlencode({"q": str(row[2]).strip()}), row[3], row[4])
                for row in data
            ),
        )
        return format_html(
            "<table><thead><tr><th>Row</th><th>State</th><th>Agency</th><th>Model</th><th>Problem</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            rows,
        )


@admin.register(SyncRun)
class SyncRunAdmin(ReadOnlyAdmin):
    """Every check of ICE's site by the scheduled `sync_ice_287g`: what was fetched and what came of it."""

    list_display = [
        "finished_at", "item", "result", "http_status", "list_date", "date_from", "filename", "kind_from",
        "short_message",
    ]  # fmt: skip
    list_filter = ["result", "item"]
    date_hierarchy = "finished_at"
    exclude = ["held_file"]
    readonly_fields = ["held_file_link"]

    @admin.display(description="message")
    def short_message(self, run):
        return run.message[:120]

    @admin.display(description="held file")
    def held_file_link(self, run):
        if not run.held_file:
            return "—"
        url = reverse("admin:counties_syncrun_held_file", args=[run.pk])
        return format_html('<a href="{}">Download the held workbook ({} bytes)</a>', url, len(run.held_file))

    def get_urls(self):
        return [
            path(
                "<int:pk>/held-file/",
                self.admin_site.admin_view(self.held_file_view),
                name="counties_syncrun_held_file",
            ),
            *super().get_urls(),
        ]

    def held_file_view(self, request, pk):
        run = get_object_or_404(SyncRun, pk=pk)
        if not self.has_view_permission(request, run) or not run.held_file:
            raise PermissionDenied
        response = HttpResponse(
            bytes(run.held_file),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="held-{run.filename or "workbook.xlsx"}"'
        return response


@admin.register(Source)
class SourceAdmin(EditorAdmin):
    list_display = ["title", "publisher", "published", "link"]
    search_fields = ["title", "publisher", "url"]

    @admin.display(description="URL")
    def link(self, source):
        return format_html('<a href="{}" rel="noopener noreferrer">{}</a>', source.url, source.url)


@admin.register(Event)
class EventAdmin(EditorAdmin):
    list_display = ["date", "summary", "county", "agency", "kind", "is_published"]
    list_filter = ["is_published", "kind"]
    search_fields = ["summary", "summary_es", "county__name", "agency__name"]
    autocomplete_fields = ["county", "agency", "source"]
    list_select_related = ["county__state", "agency__state"]
    actions = ["publish", "unpublish"]
    reason_required = True
    fieldsets = [
        (None, {"fields": ["county", "agency", "date", "kind", "summary", "summary_es", "note"]}),
        ("Source (required; use + to add a new one)", {"fields": ["source"]}),
        ("Publishing", {"fields": ["is_published"], "description": "Drafts are not shown to readers."}),
        ("Why", {"fields": ["change_reason", "version"]}),
    ]

    def _set_published(self, request, queryset, published, reason):
        with transaction.atomic(), history_reason(reason):
            events = list(queryset.select_for_update(of=("self",)).filter(is_published=not published))
            for event in events:
                event.is_published = published
                event._history_user = request.user
                event.save(update_fields=["is_published", "updated_at"])
        self.message_user(request, f"{reason}: {len(events)} event(s).", messages.SUCCESS)

    @admin.action(description="Publish selected events", permissions=["change"])
    def publish(self, request, queryset):
        self._set_published(request, queryset, True, "Published")

    @admin.action(description="Unpublish selected events (back to draft)", permissions=["change"])
    def unpublish(self, request, queryset):
        self._set_published(request, queryset, False, "Unpublished")


class CorrectionForm(GuardedForm):
    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == Correction.Status.CLOSED and not (cleaned.get("answer") or "").strip():
            self.add_error(
                "answer", "Write your answer before closing: what you checked and what you changed."
            )
        return cleaned


class OpenFirstFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("open", "Open"), ("closed", "Closed"), ("all", "All")]

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": (self.value() or "open") == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value() or "open"
        return queryset if value == "all" else queryset.filter(status=value)


@admin.register(Correction)
class CorrectionAdmin(EditorAdmin):
    form = CorrectionForm
    list_display = ["created_at", "county", "short_text", "status", "closed_by", "closed_at"]
    list_filter = [OpenFirstFilter]
    search_fields = ["county__name", "what_is_wrong", "answer"]
    list_select_related = ["county__state", "closed_by"]
    readonly_fields = [
        "county",
        "what_is_wrong",
        "source_url",
        "contact",
        "language",
        "created_at",
        "closed_by",
        "closed_at",
    ]
    fields = [
        "county",
        "created_at",
        "language",
        "what_is_wrong",
        "source_url",
        "contact",
        "status",
        "answer",
        "closed_by",
        "closed_at",
        "change_reason",
        "version",
    ]

    def has_add_permission(self, request):
        return False  # reports come from the public form

    @admin.display(description="what is wrong")
    def short_text(self, correction):
        return correction.what_is_wrong[:80]

    def save_model(self, request, obj, form, change):
        if "status" in form.changed_data:
            if obj.status == Correction.Status.CLOSED:
                obj.closed_by, obj.closed_at = request.user, timezone.now()
            else:
                obj.closed_by, obj.closed_at = None, None
        super().save_model(request, obj, form, change)


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
