"""Requests for agreements, as ICE's pending lists show them, and what became of each (set by the rebuild,
counties/importers/rebuild/)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .agencies import OF_SHERIFFS, Agency, Agreement
from .lists import Snapshot, optional_snapshot


class RequestQuerySet(models.QuerySet):
    def current(self):
        return self.filter(outcome=Request.Outcome.PENDING)

    def of_sheriffs(self):
        return self.filter(OF_SHERIFFS)


class Request(models.Model):
    """A request for an agreement, as ICE's pending list shows it, and what became of it (set by the rebuild)."""

    class Outcome(models.TextChoices):
        SIGNED = "signed", _("Signed: ICE listed the agreement")
        PENDING = "pending", _("Still on ICE's newest pending list")
        DROPPED = "dropped", _("Gone from the pending list without an agreement")
        ALREADY = "already", _("Requested while an agreement was already listed")

    public_id = models.CharField(max_length=300, unique=True, help_text=_("Published ID; never changes."))
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="requests")
    model = models.CharField(
        max_length=12,
        choices=Agreement.Model.choices,
        blank=True,
        help_text=_("Blank when ICE's pending list gives no model (SUPPORT TYPE empty)."),
    )
    first_pending = models.ForeignKey(Snapshot, on_delete=models.PROTECT, related_name="+")
    last_pending = models.ForeignKey(Snapshot, on_delete=models.PROTECT, related_name="+")
    first_pending_is_oldest = models.BooleanField(
        default=False, help_text=_("Already on the oldest pending list the site holds.")
    )
    gone_on = optional_snapshot(_("The first pending list after its last one that no longer had it."))
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    signed_on = optional_snapshot(
        _("The first participating list, on or after the request, that shows the agreement.")
    )
    agreement = models.ForeignKey(
        Agreement,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="requests",
        help_text=_("The agreement it became (signed), or the one already listed."),
    )

    objects = RequestQuerySet.as_manager()

    class Meta:
        ordering = ["agency__name", "model", "first_pending__as_of"]

    def __str__(self):
        return f"{self.agency.name}: {self.model_label} requested"

    @property
    def model_label(self) -> str:
        """The model's name, or 'model not given' when ICE's pending list gives none."""
        return self.get_model_display() if self.model else str(_("model not given"))

    @property
    def days_to_sign(self) -> int | None:
        """Days from the first pending list that showed the request to the first list showing the agreement."""
        if self.outcome != self.Outcome.SIGNED or self.signed_on is None:
            return None
        return (self.signed_on.as_of - self.first_pending.as_of).days
