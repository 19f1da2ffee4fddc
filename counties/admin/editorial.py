"""Editors' admin: sources, dated local events and readers' corrections."""

from django.contrib import admin, messages
from django.db import transaction
from django.utils import timezone
from django.utils.html import format_html

from ..editing import SECTION_287G_ENACTED, CountyStateForm, EditorAdmin, GuardedForm
from ..history import history_reason
from ..models import (
    Correction,
    Event,
    Source,
)


@admin.register(Source)
class SourceAdmin(EditorAdmin):
    list_display = ["title", "publisher", "published", "link"]
    search_fields = ["title", "publisher", "url"]

    @admin.display(description="URL")
    def link(self, source):
        return format_html('<a href="{}" rel="noopener noreferrer">{}</a>', source.url, source.url)


NO_SPANISH = (
    "A published event needs its Spanish summary: without it, Spanish pages show the English sentence. "
    "Write it, or keep the event as a draft."
)


class EventForm(CountyStateForm):
    earliest_date = SECTION_287G_ENACTED  # a step toward or away from an agreement

    def county_state(self, cleaned):
        agency = cleaned.get("agency")
        return agency.state if agency is not None else None

    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk or {"county", "agency"} & set(self.changed_data):
            self.check_county(cleaned.get("county"), cleaned)  # asked once, when the county is chosen
        if cleaned.get("is_published") and not (cleaned.get("summary_es") or "").strip():
            self.add_error("summary_es", NO_SPANISH)
        return cleaned


@admin.register(Event)
class EventAdmin(EditorAdmin):
    form = EventForm
    import_writes = True  # an import moves events to the agency it merges into, and removes agencies without
    list_display = ["date", "summary", "county", "agency", "kind", "in_spanish", "is_published"]
    list_filter = ["is_published", "kind"]
    search_fields = ["summary", "summary_es", "county__name", "agency__name"]
    autocomplete_fields = ["county", "agency", "source"]
    list_select_related = ["county__state", "agency__state"]
    actions = ["publish", "unpublish"]
    reason_required = True
    fieldsets = [
        (
            None,
            {"fields": ["county", "other_state", "agency", "date", "kind", "summary", "summary_es", "note"]},
        ),
        ("Source (required; use + to add a new one)", {"fields": ["source"]}),
        ("Publishing", {"fields": ["is_published"], "description": "Drafts are not shown to readers."}),
        ("Why", {"fields": ["change_reason", "version"]}),
    ]

    @admin.display(boolean=True, description="Spanish summary")
    def in_spanish(self, event):
        return bool(event.summary_es.strip())

    def _set_published(self, request, queryset, published, reason):
        if published:
            english_only = list(queryset.filter(summary_es__regex=r"^\s*$"))
            if english_only:
                self.message_user(
                    request,
                    f"Not published, as they have no Spanish summary yet: {'; '.join(str(e) for e in english_only)}.",
                    messages.WARNING,
                )
                queryset = queryset.exclude(pk__in=[e.pk for e in english_only])
        with transaction.atomic(), history_reason(reason):
            events = queryset.select_for_update(of=("self",)).filter(is_published=not published)
            if published:  # checked again under the lock: another editor may have emptied one since
                events = events.exclude(summary_es__regex=r"^\s*$")
            events = list(events)
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


class CorrectionAdminForm(GuardedForm):
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
    form = CorrectionAdminForm
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
        """Closing or reopening sets or clears who closed it and when (when decides how long the reader's
        contact is kept). Compared with the stored row, not the form's first values: a revert's form starts
        from the old version, so its status would never count as changed."""
        stored = (
            Correction.objects.filter(pk=obj.pk).values_list("status", flat=True).first() if change else None
        )
        if obj.status != stored:
            if obj.status == Correction.Status.CLOSED:
                obj.closed_by, obj.closed_at = request.user, timezone.now()
            else:
                obj.closed_by, obj.closed_at = None, None
        super().save_model(request, obj, form, change)
