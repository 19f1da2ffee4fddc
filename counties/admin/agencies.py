"""Editors' admin: agencies (their counties, names and agreements), agreements, requests and changes."""

import itertools

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.html import format_html

from .. import pagecache
from ..editing import (
    OTHER_STATE_LABEL,
    SECTION_287G_ENACTED,
    CountyStateForm,
    EditorAdmin,
    GuardedForm,
    ReadOnlyAdmin,
    ReadOnlyInline,
    other_state_problem,
)
from ..importers.placing import public_page
from ..models import (
    Agency,
    AgencyCounty,
    AgencyName,
    Agreement,
    Change,
    County,
    Request,
)


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


class AgencyNameInline(ReadOnlyInline):
    """The names ICE used for the agency, and why the site knows they are one agency (set by imports)."""

    model = AgencyName
    fields = ["name", "key", "why", "first_seen", "last_seen"]
    readonly_fields = fields


class AgencyCountyFormSet(BaseInlineFormSet):
    def clean(self):
        """A county row in another state than the agency's needs the same tick as the main county; removing
        a row needs a reason (kept in the agency's history); an agency keeps at least one county here."""
        super().clean()
        confirmed = self.data.get("other_state") in ("on", "true", "True", "1")
        for form in self.forms:
            county = form.cleaned_data.get("county") if hasattr(form, "cleaned_data") else None
            problem = other_state_problem(county, self.instance.state) if county else ""
            if problem and not confirmed and form.has_changed() and not self._should_delete_form(form):
                raise ValidationError(f"{problem} If this is right, tick “{OTHER_STATE_LABEL}” and say why.")
        removed = [form for form in self.forms if form.instance.pk and self._should_delete_form(form)]
        if not removed:
            return
        if not (self.data.get("change_reason") or "").strip():
            raise ValidationError(
                "Say why you remove a county (in “Reason for this change” below); it is kept in the history."
            )
        kept = [
            f for f in self.forms if not self._should_delete_form(f) and (f.instance.pk or f.has_changed())
        ]
        if not kept:
            raise ValidationError(
                "An agency keeps at least one county here. To move it, change the county to the right one; "
                "to take it off every county page, ask the site's administrator."
            )


class AgencyForm(CountyStateForm):
    def county_state(self, cleaned):
        return self.instance.state if self.instance.pk else None

    def clean(self):
        cleaned = super().clean()
        if "county" in self.changed_data:
            self.check_county(cleaned.get("county"), cleaned)
        return cleaned


class AgencyCountyInline(admin.TabularInline):
    """Every county the agency works in. The import sets them (with the evidence); an editor may add one
    or change one, and from then on later imports keep the editor's counties."""

    model = AgencyCounty
    formset = AgencyCountyFormSet
    fields = ["county", "share", "placed_by", "via", "evidence"]
    readonly_fields = ["share", "placed_by", "via", "evidence"]

    @admin.display(description="public page")
    def evidence(self, row):
        """For a county a public page gives (counties/importers/corrections.py SOURCED): that page."""
        if row.pk is None or row.placed_by != Agency.Placement.TABLE:
            return "—"
        url = public_page(row.agency.state.code, row.agency.name)
        return format_html('<a href="{}" rel="noopener noreferrer">{}</a>', url, url) if url else "—"

    autocomplete_fields = ["county"]
    extra = 0
    # A wrong county row goes, with a reason (the formset asks; the agency's history keeps it).
    can_delete = True


class AgreementInline(ReadOnlyInline):
    model = Agreement
    fields = ["model", "signed", "is_current", "first_listed", "last_listed"]
    readonly_fields = fields
    show_change_link = True


@admin.register(Agency)
class AgencyAdmin(EditorAdmin):
    form = AgencyForm
    import_writes = True  # an import writes agencies and their counties
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
    restored_on_revert = ("placed_by", "unresolved_reason")  # they go with the county a version brings back

    def has_add_permission(self, request):
        return False  # agencies come from ICE's lists

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        version = getattr(request, "_history_version", None)
        if version is not None:  # an earlier version restored: its counties come back with it
            self._restore_counties(request, obj, version, county_typed="county" in form.changed_data)

    def _restore_counties(self, request, agency, version_id, *, county_typed=False):
        """The county rows of the version restored (or, where it kept none, the best the site knows), with
        the main county always one of them; what could not come back is said."""
        old = agency.history.filter(history_id=version_id).first()
        rows = old.county_rows if old is not None else None
        current = agency.county_rows()
        if rows is None:  # a version from before county rows were kept (migration 0025)
            if agency.county_id is None:
                rows = []
            elif agency.county_id in {row["county"] for row in current}:
                rows = current
            else:
                rows = [{"county": agency.county_id, "placed_by": agency.placed_by}]
            messages.warning(
                request,
                "That version did not record the counties the agency worked in: its main county and the "
                "counties it works in now that include it were kept. Check the counties below.",
            )
        if county_typed:  # the editor chose another main county on the revert form: their choice, kept
            agency.county_locked, agency.placed_by = bool(agency.county_id), Agency.Placement.EDITOR
        if agency.county_id and agency.county_id not in {row["county"] for row in rows}:
            main = {"county": agency.county_id, "placed_by": agency.placed_by or Agency.Placement.EDITOR}
            rows = [main, *rows]  # the main county is one of its counties
        agency.set_county_rows(rows)
        kept = {row["county"] for row in agency.county_rows()}
        gone = len({row["county"] for row in rows} - kept)
        if gone:
            messages.warning(
                request,
                f"{gone} of that version's counties no longer exist in the site's data and were left out.",
            )
        if not kept:
            messages.warning(
                request,
                "As in that version, the agency is now on no county page (the state page lists it); the next "
                "import of ICE's list places it again by its own rules.",
            )
        self._settle(agency, save=county_typed)

    def save_related(self, request, form, formsets, change):
        """An editor who changes the main county or the list of counties decides where the agency works:
        the main county is one of its counties, and later imports keep the editor's choice (county_locked)."""
        super().save_related(request, form, formsets, change)
        agency = form.instance
        counties_changed = any(f.has_changed() for f in formsets if f.model is AgencyCounty)
        if "county" not in form.changed_data and not counties_changed:
            self._settle(agency, counties_changed=False)
            return
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
            if agency.county_id:
                messages.warning(
                    request,
                    "The main county is one of the counties the agency works in, so it is now "
                    f"{agency.county}.",
                )
        agency.county_locked = bool(chosen)
        agency.placed_by = Agency.Placement.EDITOR if chosen else Agency.Placement.NONE
        agency.unresolved_reason = agency.unplaced_why = ""
        self._settle(agency, save=True)

    @staticmethod
    def _settle(agency, *, counties_changed=True, save=False):
        """One history row per save (issue 27): the row save_model recorded takes the agency's final state
        and its county rows, instead of a second row after a first, half-finished one (a trap to revert to).
        `save`: the agency's fields changed after save_model; saved here without a history row of their own."""
        if save:
            agency.skip_history_when_saving = True
            try:
                agency.save()
            finally:
                del agency.skip_history_when_saving
        record = agency.history.order_by("-history_id").first()
        if record is not None:
            for field in ("county_id", "county_locked", "placed_by", "unresolved_reason", "unplaced_why"):
                setattr(record, field, getattr(agency, field))
            record.county_rows = agency.county_rows()
            record.save()
        if counties_changed:
            pagecache.data_changed()  # AgencyCounty is written without a signal (models.PUBLIC_BULK_MODELS)

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        """Each row's name and county changes read the state and county: fetched with the rows, not per row."""
        return (
            super()
            .get_history_queryset(request, history_manager, pk_name, object_id)
            .select_related("state", "county__state")
        )

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        """Each row of the history says how the agency's counties changed too (AgencyHistory.county_rows)."""
        super().set_history_delta_changes(request, historical_records, foreign_keys_are_objs)
        records = list(historical_records)
        for record in records:  # the row's name, from the state fetched with it (history_object would ask)
            record.shown_name = f"{record.name} ({record.state.code})"
        ids = {row["county"] for record in records for row in record.county_rows or ()}
        names = {
            c.pk: f"{c.name}, {c.state.code}"
            for c in County.objects.filter(pk__in=ids).select_related("state")
        }

        def shown(rows):
            return "; ".join(names.get(row["county"], "a county no longer held") for row in rows) or "(none)"

        for newer, older in itertools.pairwise(records):
            if newer.county_rows is None:
                continue
            before = None if older.county_rows is None else {r["county"] for r in older.county_rows}
            if before != {r["county"] for r in newer.county_rows}:
                change = {
                    "field": "Counties it works in",
                    "old": "(not recorded)" if before is None else shown(older.county_rows),
                    "new": shown(newer.county_rows),
                }
                newer.history_delta_changes = [*(getattr(newer, "history_delta_changes", None) or []), change]


class AgreementForm(GuardedForm):
    earliest_date = SECTION_287G_ENACTED  # no agreement was signed before the law


@admin.register(Agreement)
class AgreementAdmin(EditorAdmin):
    form = AgreementForm
    import_writes = True  # an import writes agreements (what an editor locks it keeps)
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
        "gone_from", "back_on", "is_current", "signed_raw", "details_locked",
    ]  # fmt: skip
    list_select_related = ["agency", "first_listed", "last_listed"]
    reason_required = True
    # Undoing a correction to the import's details unlocks them again, as that version was; a version an
    # editor corrected comes back locked.
    restored_on_revert = ("details_locked",)

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
