"""ICE's lists as the site holds them (one Snapshot per dated list, its rows apart), each check of ICE's
page (SyncRun) and each list an editor uploads before it is imported (PendingUpload)."""

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SnapshotQuerySet(models.QuerySet):
    def participating(self):
        return self.filter(kind=Snapshot.Kind.PARTICIPATING)

    def pending(self):
        return self.filter(kind=Snapshot.Kind.PENDING)

    def newest(self, kind=None):
        """The newest list of a kind (participating by default), or None."""
        return self.filter(kind=kind or Snapshot.Kind.PARTICIPATING).order_by("-as_of").first()

    def oldest(self, kind=None):
        return self.filter(kind=kind or Snapshot.Kind.PARTICIPATING).order_by("as_of").first()


class Snapshot(models.Model):
    """One of ICE's 287(g) lists, as published on one date: the agencies with a signed agreement
    (participating) or the requests ICE had not yet signed (pending).

    The rows are kept as read (compressed, in SnapshotData), so that everything derived from the lists
    (agencies, agreements, requests, their changes) can be worked out again from all lists at once
    (counties/importers/rebuild/), whatever order they were imported in.
    """

    class Kind(models.TextChoices):
        PARTICIPATING = "participating", _("Participating agencies (signed agreements)")
        PENDING = "pending", _("Pending agencies (requests not yet signed)")

    class Origin(models.TextChoices):
        SHIPPED = "shipped", _("Shipped with the site (fixtures/)")
        UPLOAD = "upload", _("Uploaded by an editor")
        SYNC = "sync", _("Fetched from ICE's site by the scheduled check")
        COMMAND = "command", _("Imported with manage.py import_ice_287g")

    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.PARTICIPATING)
    as_of = models.DateField(help_text=_("The date of ICE's list (from ICE's file name)."))
    unchanged_through = models.DateField(
        help_text=_(
            "The last day this list was seen unchanged on ICE's site: by the archive the site ships, or by "
            "the site's own check of ICE's page."
        )
    )
    sha256 = models.CharField(max_length=64, unique=True)
    filename = models.CharField(max_length=255)
    source_url = models.URLField(max_length=500, blank=True)
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.COMMAND)
    imported_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    headers = models.JSONField(default=list, help_text=_("ICE's column headers, in order."))
    content_key = models.CharField(
        max_length=64,
        default="",
        db_index=True,
        help_text=_(
            "Fingerprint of the rows (not of the file): two files with the same rows have the same key."
        ),
    )
    rows_read = models.PositiveIntegerField(default=0)
    rows_unresolved = models.PositiveIntegerField(default=0)
    counts = models.JSONField(
        default=dict,
        help_text=_(
            "Agreements (or requests) on this list by model, nationally and in Texas (set by the rebuild)."
        ),
    )
    # Worked out against the list before it of the same kind, by date (set by the rebuild).
    agreements_added = models.PositiveIntegerField(default=0)
    agreements_dropped = models.PositiveIntegerField(default=0)
    agreements_changed = models.PositiveIntegerField(default=0)
    agreements_relisted = models.PositiveIntegerField(default=0)

    objects = SnapshotQuerySet.as_manager()

    class Meta:
        ordering = ["-as_of", "kind"]
        get_latest_by = "as_of"
        verbose_name = _("ICE list")  # one name in the menu, the breadcrumbs and the pages
        verbose_name_plural = _("ICE lists")
        constraints = [models.UniqueConstraint(fields=["kind", "as_of"], name="snapshot_unique_kind_date")]

    def __str__(self):
        if self.kind == self.Kind.PENDING:
            return f"ICE pending list of {self.as_of:%Y-%m-%d}"
        return f"ICE list of {self.as_of:%Y-%m-%d}"

    @property
    def page_url(self) -> str:
        """Where a reader finds the list on ICE's site: the address it was read from, else ICE's page."""
        return self.source_url or settings.ICE_PAGE_URL

    @property
    def is_pending(self) -> bool:
        return self.kind == self.Kind.PENDING

    def rows(self) -> list[list]:
        """The rows as read (see counties/importers/lists.py for the columns)."""
        from ..importers.lists import decode_rows

        data = SnapshotData.objects.filter(snapshot=self).values_list("rows", flat=True).first()
        return decode_rows(data)


def optional_snapshot(help_text="") -> models.ForeignKey:
    """A link to one of ICE's lists that may be none, and becomes none if the list is deleted."""
    return models.ForeignKey(
        Snapshot, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", help_text=help_text
    )


class SnapshotData(models.Model):
    """A list's rows as read, and those the site could not place: kept apart so that the many queries
    that read a Snapshot never carry them."""

    snapshot = models.OneToOneField(Snapshot, on_delete=models.CASCADE, primary_key=True, related_name="data")
    rows = models.BinaryField(help_text=_("Every row as read (zlib-compressed JSON)."))
    unresolved = models.JSONField(
        default=list,
        help_text=_(
            "Rows whose agency could not be placed: [row, state, agency, model, reason] (set by the rebuild)."
        ),
    )

    class Meta:
        verbose_name = _("ICE list rows")
        verbose_name_plural = _("ICE list rows")

    def __str__(self):
        return f"Rows of {self.snapshot}"


class SyncRunQuerySet(models.QuerySet):
    def last_success(self):
        return self.filter(result__in=SyncRun.SUCCESSES).order_by("-finished_at").first()


class SyncRun(models.Model):
    """One check of ICE's site by `manage.py sync_ice_287g` (the scheduled job): one row for ICE's page and
    one for each of its two lists, so editors and readers know when the site last looked."""

    class Item(models.TextChoices):
        PAGE = "page", _("ICE's 287(g) page")
        PARTICIPATING = "participating", _("Participating agencies list")
        PENDING = "pending", _("Pending agencies list")

    class Result(models.TextChoices):
        UNCHANGED = "unchanged", _("Unchanged: the list we hold is confirmed")
        IMPORTED = "imported", _("A new list imported")
        HELD = "held", _("Held for an editor, not imported")
        FAILED = "failed", _("Failed")
        FOUND = "found", _("Page read, links found")
        ABSENT = "absent", _("ICE's page links no such list")

    SUCCESSES = (Result.UNCHANGED, Result.IMPORTED, Result.FOUND)

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    item = models.CharField(max_length=16, choices=Item.choices)
    url = models.URLField(max_length=500, blank=True)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    result = models.CharField(max_length=10, choices=Result.choices)
    message = models.TextField(
        blank=True, help_text=_("What happened, in plain words (the error, why a file is held).")
    )
    filename = models.CharField(
        max_length=255,
        blank=True,
        help_text=_("ICE's name for the file (its Content-Disposition, else its address)."),
    )
    link_text = models.CharField(max_length=200, blank=True, help_text=_("The link's text on ICE's page."))
    kind_from = models.CharField(
        max_length=16,
        blank=True,
        help_text=_("What told which list this is: its file name, the link's text, or its columns."),
    )
    list_date = models.DateField(
        null=True, blank=True, help_text=_("The date of the list, from ICE's file name (see dated by).")
    )
    date_from = models.CharField(
        max_length=16,
        blank=True,
        verbose_name=_("dated by"),
        help_text=_("What the list's date came from: its file name, or the server's Last-Modified."),
    )
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True)
    etag = models.CharField(max_length=200, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    snapshot = optional_snapshot()
    held_file = models.BinaryField(
        null=True, blank=True, help_text=_("A held workbook, for an editor to look at.")
    )

    objects = SyncRunQuerySet.as_manager()

    class Meta:
        ordering = ["-finished_at", "item"]
        verbose_name = _("check of ICE's site")
        verbose_name_plural = _("checks of ICE's site")

    def __str__(self):
        return f"{self.get_item_display()} {self.finished_at:%Y-%m-%d %H:%M}: {self.get_result_display()}"

    def save(self, *args, **kwargs):
        # What ICE sent ends up in these fields (a link's text, a name, a validator, an error message):
        # PostgreSQL takes no NUL in text, and a check must be recorded whatever ICE sent.
        for field in self._meta.concrete_fields:
            value = getattr(self, field.attname)
            if isinstance(value, str) and "\x00" in value:
                setattr(self, field.attname, value.replace("\x00", ""))
        super().save(*args, **kwargs)

    @property
    def succeeded(self) -> bool:
        return self.result in self.SUCCESSES


class PendingUploadQuerySet(models.QuerySet):
    def expired(self, now: datetime.datetime):
        return self.filter(created_at__lt=now - PendingUpload.KEEP)


class PendingUpload(models.Model):
    """An ICE workbook uploaded in the admin, waiting for its editor to confirm or cancel the preview.

    Kept in the database, not on one server's disk, so that any app server can confirm or cancel it.
    At most an hour (KEEP); older ones are swept at the next upload.
    """

    KEEP = datetime.timedelta(hours=1)

    token = models.CharField(max_length=64, unique=True, help_text="Sent by the confirm and cancel forms.")
    data = models.BinaryField(help_text="The workbook's bytes, exactly as uploaded.")
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    filename = models.CharField(max_length=255)
    as_of = models.DateField(
        null=True,
        help_text="The date of ICE's list, as shown in the preview. Empty while the editor is asked for it "
        "(the file name has none): the file waits here so that it need not be chosen again.",
    )
    kind = models.CharField(max_length=16, choices=Snapshot.Kind.choices)
    source_url = models.URLField(max_length=500, blank=True)
    editor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PendingUploadQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.filename} ({self.as_of or 'no date yet'}), uploaded by {self.editor} at {self.created_at:%Y-%m-%d %H:%M}"
