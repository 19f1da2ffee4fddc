"""The dated changes ICE's lists show, one row each (set by the rebuild, never typed by hand): the changes
feeds, the timeline of a county page and the changes page read them."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .agencies import Agency, Agreement
from .lists import Snapshot
from .requests import Request


class Change(models.Model):
    """A dated change that ICE's lists show (set by the rebuild; never typed by hand)."""

    class Kind(models.TextChoices):
        LISTED = "listed", _("Agreement first listed")
        ON_OLDEST = "on-oldest", _("Already on the oldest list the site holds")
        DELISTED = "delisted", _("Agreement no longer listed")
        RELISTED = "relisted", _("Agreement listed again")
        PDF_PUBLISHED = "pdf", _("Signed agreement published")
        PDF_REPLACED = "pdf-replaced", _("Linked document changed")
        ADDENDUM = "addendum", _("Addendum published")
        RESIGNED = "resigned", _("Agreement signed again")
        DATE_CORRECTED = "date-fixed", _("Signing date corrected")
        DATE_CHANGED = "date-changed", _("Signing date changed")
        RENAMED = "renamed", _("Agency renamed on ICE's list")
        REQUESTED = "requested", _("Agreement requested")
        REQUEST_ON_OLDEST = "requested-oldest", _("Request already on the oldest pending list")
        REQUEST_DROPPED = "request-dropped", _("Request gone without an agreement")

    key = models.CharField(
        max_length=400, unique=True, help_text=_("Stable identity, e.g. for feed entries.")
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    date = models.DateField()
    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="changes")
    previous = models.ForeignKey(
        Snapshot,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("The list before it that still showed the old state."),
    )
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="changes")
    agreement = models.ForeignKey(
        Agreement, null=True, blank=True, on_delete=models.CASCADE, related_name="changes"
    )
    request = models.ForeignKey(
        Request, null=True, blank=True, on_delete=models.CASCADE, related_name="changes"
    )
    model = models.CharField(max_length=12, choices=Agreement.Model.choices, blank=True)
    old_value = models.CharField(max_length=500, blank=True)
    new_value = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-date", "kind", "key"]
        indexes = [models.Index(fields=["-date"], name="change_date")]

    def __str__(self):
        return f"{self.date}: {self.get_kind_display()} ({self.agency})"
