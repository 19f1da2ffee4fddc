"""Editors' admin: agencies (their counties, names and agreements), agreements, requests and changes."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet

from .. import pagecache
from ..editing import OTHER_STATE_LABEL, CountyStateForm, EditorAdmin, ReadOnlyAdmin, other_state_problem
from ..models import (
    Agency,
    AgencyCounty,
    AgencyName,
    Agreement,
    Change,
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


class AgencyNameInline(admin.TabularInline):
    """The names ICE used for the agency, and why the site knows they are one agency (set by imports)."""

    model = AgencyName
    fields = ["name", "key", "why", "first_seen", "last_seen"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class AgencyCountyFormSet(BaseInlineFormSet):
    def clean(self):
        """A county row in another state than the agency's needs the same tick as the main county."""
        super().clean()
        confirmed = self.data.get("other_state") in ("on", "true", "True", "1")
        for form in self.forms:
            county = form.cleaned_data.get("county") if hasattr(form, "cleaned_data") else None
            problem = other_state_problem(county, self.instance.state) if county else ""
            if problem and not confirmed and form.has_changed():
                raise ValidationError(f"{problem} If this is right, tick “{OTHER_STATE_LABEL}” and say why.")


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
    form = AgencyForm
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
        # One history row per save (issue 27): the row save_model recorded takes the agency's final state,
        # instead of a second row after a first, half-finished one (reverting to that one was a trap).
        record = agency.history.order_by("-history_id").first()
        agency.skip_history_when_saving = True
        try:
            agency.save()
        finally:
            del agency.skip_history_when_saving
        if record is not None:
            for field in ("county_id", "county_locked", "placed_by", "unresolved_reason", "unplaced_why"):
                setattr(record, field, getattr(agency, field))
            record.save()
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
        "gone_from", "back_on", "is_current", "signed_raw", "details_locked",
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
