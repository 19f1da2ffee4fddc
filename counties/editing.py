"""How editors change records in the admin: every change is recorded (django-simple-history) with who,
when and why, a reason is required where a status changes, and a save never silently overwrites another
editor's (or an import's) save."""

import datetime
import hashlib
import json
from urllib.parse import urlsplit

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import Http404
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper

from . import locks
from .history import history_reason
from .text import without_controls

GUARD_FIELDS = {"version", "change_reason"}


def record_version(obj) -> str:
    """A fingerprint of a record's stored values: it changes whenever anyone (or any import) saves it, and
    with what the record's form also edits (`fingerprint_extra`: an agency's county rows)."""
    values = {field.attname: field.value_from_object(obj) for field in obj._meta.concrete_fields}
    extra = getattr(obj, "fingerprint_extra", None)
    if extra is not None:
        values["_extra"] = extra()
    return hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()[:32]


def unsafe_url(url: str) -> str:
    """Why a web address must not be saved ('' when it may): a backslash, or a user name before "@", make a
    browser go to another host than the one the address seems to name."""
    if "\\" in url:
        return "A web address cannot contain a backslash (a browser reads it as “/” and may go elsewhere)."
    try:
        parts = urlsplit(url)
    except ValueError:
        return "This is not a web address a browser can open."
    if "@" in parts.netloc:
        return (
            "A web address cannot contain a user name or password (the part before “@”): a browser goes to "
            "the host after it."
        )
    return ""


IMPORT_RUNNING = (
    "An import of ICE's list (or an editor's preview of one) is running right now, and it writes these "
    "records too. Nothing was saved; your changes are still in the form below. Save again in a minute."
)


SECTION_287G_ENACTED = datetime.date(1996, 9, 30)  # Pub. L. 104-208, section 133


def implausible_date(value: datetime.date, earliest: datetime.date) -> str:
    """Why no record can have this date ("" when it can): after tomorrow (a day's slack for time zones),
    or before `earliest`."""
    if value > timezone.localdate() + datetime.timedelta(days=1):
        return f"{value.isoformat()} is in the future: check the year."
    if value < earliest:
        if earliest == SECTION_287G_ENACTED:
            return f"{value.isoformat()} is before Section 287(g) became law (1996-09-30): check the year."
        return f"{value.isoformat()} is before {earliest.year}: check the year."
    return ""


class GuardedForm(forms.ModelForm):
    """Optimistic locking plus a reason for the history.

    The form carries the fingerprint of the record as it was when the editor opened it. On save the
    record is locked (SELECT ... FOR UPDATE, inside the admin's transaction) and its fingerprint compared:
    if someone saved it in between, nothing is saved, the editor's input stays in the form with a message
    saying who changed it, and saving again (after checking) is a conscious choice. Records an import also
    writes are not saved while one runs (its plan, made before, would write over the save; same message
    shape, input kept), and an import waits for such a save to end.
    """

    reason_required = False
    import_writes = False  # an import writes these records too (EditorAdmin.import_writes)
    # A date typed with a slip of the year ("2062", "0202") would sort first or last for good (a feed's
    # newest entry, an agreement signed in the future): dates are no later than tomorrow and no earlier
    # than this (forms about 287(g) itself: SECTION_287G_ENACTED).
    earliest_date = datetime.date(1900, 1, 1)

    version = forms.CharField(widget=forms.HiddenInput, required=False)
    change_reason = forms.CharField(
        label="Reason for this change",
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"size": 80}),
        help_text="Kept in the history with your name, e.g. “Commissioners court minutes of 2026-03-04”.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # From the database, not the instance: a revert form's instance is an old version.
            current = type(self.instance)._default_manager.filter(pk=self.instance.pk).first()
            if current is not None:
                self.fields["version"].initial = record_version(current)
            if self.reason_required:
                self.fields["change_reason"].help_text = "Required: " + str(
                    self.fields["change_reason"].help_text
                )

    def edited_fields(self):
        return [name for name in self.changed_data if name not in GUARD_FIELDS]

    def clean(self):
        cleaned = super().clean()
        # Where editors' text enters: no control characters or bidi overrides (counties.text._UNSAFE).
        for name, value in list(cleaned.items()):
            if isinstance(value, str):
                cleaned[name] = value = without_controls(value)
            if value and isinstance(self.fields.get(name), forms.URLField):
                problem = unsafe_url(value)
                if problem:
                    self.add_error(name, problem)
            if (
                type(value) is datetime.date  # not a datetime
                and name in self.changed_data  # a date ICE gave, kept, does not stop other changes
                and (problem := implausible_date(value, self.earliest_date))
            ):
                self.add_error(name, problem)
        if self.import_writes and not self._no_import_running():
            raise ValidationError(IMPORT_RUNNING, code="import-running")
        if not self.instance.pk:
            return cleaned
        if self.reason_required and self.edited_fields() and not cleaned.get("change_reason", "").strip():
            self.add_error("change_reason", "Say why you are changing this; it is kept in the history.")
        self._check_version(cleaned.get("version") or "")
        return cleaned

    @staticmethod
    def _no_import_running() -> bool:
        """Take the import lock, shared, until this save's transaction ends, so that an import starting now
        waits for it and then works from it (editors' saves do not stop each other); False if an import
        holds it: its plan was made before this save and would write over it."""
        if not transaction.get_connection().in_atomic_block:
            # The admin's change, add and revert views validate inside their transaction; a view that does
            # not (list_editable does not) would let the lock go at once: refuse rather than guard nothing.
            raise RuntimeError("a save of a record an import writes must be validated inside its transaction")
        return locks.share_in_transaction_if_free(locks.IMPORT)

    def _check_version(self, seen):
        model = type(self.instance)
        rows = model._default_manager.filter(pk=self.instance.pk)
        if transaction.get_connection().in_atomic_block:
            rows = rows.select_for_update()
        current = rows.first()
        if current is None:
            raise ValidationError("Someone deleted this record while you were editing it. Nothing was saved.")
        now = record_version(current)
        if seen == now:
            return
        # Keep everything the editor typed; arm the form so that saving again is a deliberate overwrite.
        self.data = self.data.copy()
        self.data[self.add_prefix("version")] = now
        latest = (
            current.history.select_related("history_user").first() if hasattr(current, "history") else None
        )
        who = ""
        if latest is not None:
            when = timezone.localtime(latest.history_date)
            who = f" ({latest.history_user or 'an import'}, {when:%Y-%m-%d %H:%M}"
            who += f": “{latest.history_change_reason}”)" if latest.history_change_reason else ")"
        raise ValidationError(
            f"Someone else saved this record while you were editing it{who}. Your changes have NOT been "
            "saved; they are still in the form below. Open the History in a new tab to see what changed, "
            "then save again to keep your version, or reload the page to start from theirs.",
            code="conflict",
        )


OTHER_STATE_LABEL = "Yes, I mean a county in another state"


def other_state_problem(county, state=None) -> str:
    """Why putting a record on `county` needs the editor's confirmation ('' when it does not): the county
    is in another state than `state` (an agency's own), or, with no state to compare, Texas has a county of
    the same name (Dallas County, Alabama, is one click from Dallas County, Texas, in a picker)."""
    if county is None:
        return ""
    if state is not None and county.state_id != state.pk:
        return f"{county} is in {county.state.name}, but the agency is in {state.name}."
    if state is None and county.state.code != "TX":
        namesake = type(county).objects.filter(state__code="TX", short_name=county.short_name).first()
        if namesake is not None:
            return f"{county} is in {county.state.name}; Texas has a {namesake.name} too ({namesake})."
    return ""


class CountyStateForm(GuardedForm):
    """A form that puts a record on a county's public page (an agency, an event). A county in another
    state than the agency's, or one that shares its name with a Texas county, is saved only when the editor
    ticks that it is meant and says why: the record is on that county's public page at once."""

    other_state = forms.BooleanField(
        required=False,
        label=OTHER_STATE_LABEL,
        help_text="Tick only after checking the state: the record appears on that county's public page at once.",
    )

    def county_state(self, cleaned):
        """The state the county must be in (None: no state to compare)."""
        return None

    def check_county(self, county, cleaned, field="county") -> None:
        problem = other_state_problem(county, self.county_state(cleaned))
        if not problem:
            return
        if not cleaned.get("other_state"):
            self.add_error(
                field, f"{problem} If this is right, tick “{OTHER_STATE_LABEL}” and say why in the reason."
            )
        elif not (cleaned.get("change_reason") or "").strip():
            self.add_error(
                "change_reason", f"{problem} Say why this county is right; it is kept in the history."
            )


class ReadableHistory(HistoricalRecordContextHelper):
    """The history page's "Changes" column in an editor's words: "(none)" for an empty county (not "Deleted
    county (pk=None)"), "yes"/"no", a choice's label instead of its code, "(empty)" for empty text."""

    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        field = self.model._meta.get_field(change.field)
        if isinstance(value, DeletedObject):
            return (
                "(none)"
                if value.pk is None
                else f"a {value.model._meta.verbose_name} since deleted (#{value.pk})"
            )
        if field.choices and value in dict(field.flatchoices):
            return dict(field.flatchoices)[value] or "(empty)"
        if value is None or value == "":
            return "(none)" if field.is_relation else "(empty)"
        if isinstance(value, bool):
            return "yes" if value else "no"
        return value


BEFORE_EDIT = "As stored before this edit (written by a load or an import)"

# An address typed without its scheme ("ice.gov/...") is taken as https, as Django 6 will do by default.
URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


class EditorAdmin(SimpleHistoryAdmin):
    """Base for every model editors change: history, reasons, concurrency guard."""

    form = GuardedForm
    reason_required = False
    # Records an import also writes (an agency's county, an agreement's details): a save while an import
    # runs is refused with the editor's input kept, and an import waits for a save (the import lock).
    import_writes = False
    history_list_display = []  # the reason has its own column ("Change reason") already
    restored_on_revert = ()  # read-only fields a revert brings back with the version (save_form)

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableHistory(self.model, historical_record)

    formfield_overrides = URL_FIELDS

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.reason_required = self.reason_required
        form.import_writes = self.import_writes
        return form

    def save_form(self, request, form, change):
        """A revert restores the old version's whole row. What editors cannot change here (an import's
        record, when a county was last checked) stays as it is now, but for `restored_on_revert`, which
        goes with fields the version brings back; save_model then treats the rest as an editor's change."""
        obj = super().save_form(request, form, change)
        if change and getattr(request, "_history_revert", False):
            stored = type(obj).objects.filter(pk=obj.pk).first()
            if stored is not None:
                columns = {field.name: field.attname for field in obj._meta.concrete_fields}
                for name in self.get_readonly_fields(request, stored):
                    if name in columns and name not in self.restored_on_revert:
                        setattr(obj, columns[name], getattr(stored, columns[name]))
        return obj

    @staticmethod
    def keep_stored_version(obj) -> None:
        """Rows a load or an import wrote in bulk have no history of what they hold now (none at all, or an
        older version): the stored row is kept first, so that an editor's change can be undone to it like
        any other. Called by save_model, when the save is certain (forms and inlines valid)."""
        model = type(obj)
        stored = model.objects.filter(pk=obj.pk).first()
        if stored is None:
            return
        latest = stored.history.order_by("-history_date", "-history_id").first()
        tracked = model.history.model.tracked_fields
        if latest is not None and all(
            getattr(latest, f.attname) == getattr(stored, f.attname) for f in tracked
        ):
            return
        stored._history_user = None  # a load's or an import's, not this editor's
        extra = {"county_rows": stored.county_rows()} if hasattr(stored, "county_rows") else None
        model.history.bulk_history_create(
            [stored], default_change_reason=BEFORE_EDIT, custom_historical_attrs=extra
        )

    def save_model(self, request, obj, form, change):
        reason = (form.cleaned_data.get("change_reason") or "").strip()
        if not reason and getattr(request, "_history_revert", False):
            reason = "Restored an earlier version from the history"
        obj._change_reason = reason or ("Added" if not change else "")
        if change:
            self.keep_stored_version(obj)
        super().save_model(request, obj, form, change)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if not (str(object_id).isdigit() and str(version_id).isdigit()):
            raise Http404("No such version.")
        if request.method == "POST" and not self.has_change_permission(request):
            raise PermissionDenied  # simple-history checks only the view permission before it saves
        request._history_revert = True
        request._history_version = version_id
        with transaction.atomic():
            return super().history_form_view(request, object_id, version_id, extra_context)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records an import owns: editors (and superusers) look, never edit or add by hand."""

    formfield_overrides = URL_FIELDS  # the view page still builds the form

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # the next import would bring the row back; and bulk-owned rows send no signal on delete


class ReadOnlyInline(admin.TabularInline):
    """Rows an import owns, on their parent's page: shown, never edited (each sets readonly_fields = fields),
    added or removed by hand."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


def mark_counties_checked(queryset, user) -> int:
    now = timezone.now()
    with transaction.atomic(), history_reason("Marked as checked"):
        counties = list(queryset.select_for_update(of=("self",)))
        for county in counties:
            county.last_verified_at = now
            county.last_verified_by = user
            county._history_user = user
            county.save(update_fields=["last_verified_at", "last_verified_by"])
    return len(counties)
