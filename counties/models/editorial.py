"""What editors add and readers send: sources, dated local events, corrections."""

from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .agencies import Agency
from .fields import validate_http_url
from .places import County


class Source(models.Model):
    """Where a fact comes from: a statute, an article, an agreement PDF, a court record."""

    title = models.CharField(
        max_length=300, help_text=_("The document's own title, e.g. the minutes' heading.")
    )
    publisher = models.CharField(max_length=200, help_text=_("Who published it: a county, a newspaper, ICE."))
    published = models.DateField(
        null=True, blank=True, help_text=_("The date on the document, if it has one.")
    )
    url = models.URLField(
        max_length=500,
        validators=[validate_http_url],
        help_text=_("Where a reader can see it (http or https)."),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-published", "title"]

    def __str__(self):
        return f"{self.title} ({self.publisher})"


class EventQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)


class Event(models.Model):
    """A dated, sourced fact an editor adds to a county's or agency's timeline."""

    class Kind(models.TextChoices):
        VOTE = "vote", _("Commissioners court vote")
        APPLICATION = "application", _("Application to ICE")
        STATEMENT = "statement", _("Public statement")
        AGREEMENT = "agreement", _("Agreement not yet on ICE's list")
        OTHER = "other", _("Other")

    county = models.ForeignKey(County, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    date = models.DateField()
    kind = models.CharField(max_length=12, choices=Kind.choices)
    summary = models.CharField(
        max_length=300, help_text=_("One plain sentence, as a resident would read it.")
    )
    summary_es = models.CharField(max_length=300, blank=True, help_text=_("The same sentence in Spanish."))
    note = models.TextField(blank=True)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="events")
    is_published = models.BooleanField(default=False, help_text=_("Drafts are not shown to readers."))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EventQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(county__isnull=False) | models.Q(agency__isnull=False),
                name="event_names_county_or_agency",
                violation_error_message=_("Choose the county or the agency this event is about."),
            )
        ]

    def __str__(self):
        return f"{self.date}: {self.summary}"


class CorrectionQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=Correction.Status.OPEN)

    def forget_contacts(self, now=None) -> int:
        """Blank the reader's contact of every report closed CONTACT_KEPT ago or more, in the report and in
        its history rows, and in those of a deleted report (closed that long ago, or deleted that long ago
        whatever its state): the privacy page says so. How many rows changed. Site-wide, whatever `self`
        holds.

        Two UPDATEs of small tables; `keep_pages` runs it (every 5 minutes in the README's schedule). An
        update writes no history row, so the blanked contact is not copied into a new one."""
        cutoff = (now or timezone.now()) - Correction.CONTACT_KEPT
        closed = models.Q(status=Correction.Status.CLOSED, closed_at__lte=cutoff)
        reports = self.model.objects
        changed = reports.filter(closed).exclude(contact="").update(contact="")
        history = self.model.history.model.objects
        # A deletion's row holds the report as it last was; a report restored from it is live again (its own
        # close decides).
        deleted = (
            history.filter(history_type="-")
            .filter(closed | models.Q(history_date__lte=cutoff))
            .exclude(id__in=reports.values("id"))
        )
        return changed + (
            history.exclude(contact="")
            .filter(
                models.Q(id__in=reports.filter(closed).values("id")) | models.Q(id__in=deleted.values("id"))
            )
            .update(contact="")
        )


class Correction(models.Model):
    """A report from the public that something on a county page is wrong, reviewed by an editor."""

    WHAT_MAX = 2000
    CONTACT_MAX = 200
    # A reader's contact is kept this long after the report is closed (time for the editors to write back),
    # then blanked by CorrectionQuerySet.forget_contacts; the privacy page and the form say so.
    CONTACT_KEPT = timedelta(days=30)

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    county = models.ForeignKey(County, on_delete=models.CASCADE, related_name="corrections")
    what_is_wrong = models.TextField(validators=[MaxLengthValidator(WHAT_MAX)])
    source_url = models.URLField(max_length=500, blank=True, validators=[validate_http_url])
    contact = models.CharField(
        max_length=CONTACT_MAX,
        blank=True,
        help_text=_("Optional; never shown on the site. Deleted 30 days after the report is closed."),
    )
    language = models.CharField(
        max_length=8, blank=True, help_text=_("Language of the page the report came from.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    answer = models.TextField(
        blank=True,
        help_text=_(
            "What the editors found and did. Required to close the report. Never copy the reader's contact "
            "here: it would be kept for good."
        ),
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = CorrectionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="open")
                | (models.Q(closed_at__isnull=False) & ~models.Q(answer="")),
                name="correction_closed_has_answer",
                violation_error_message=_("A closed correction needs an answer."),
            )
        ]

    def __str__(self):
        return f"{self.county}: {self.what_is_wrong[:60]}"
