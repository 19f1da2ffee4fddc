"""Upload a new ICE workbook in the admin: preview what would change, then confirm or cancel.

The uploaded file waits in the database (counties/admin/pending.py: PendingUpload under a random token),
so any app server can show the preview, confirm or cancel it. The confirm form sends only the token: the date, name and bytes imported are the ones kept and shown in the
preview, and the hash is checked again before the real import. The file is first read in a child
process with a memory and time bound (counties/importers/bounded.py), so a hostile workbook is refused
with a message and never grows the web worker. The dry run happens inside a transaction that is always
rolled back, so a preview cannot change the database even if the importer misbehaved. Nothing is kept
for a file that fails any check; a kept upload is removed when it is confirmed, cancelled, or an hour
old (swept at the next upload).

Confirming runs under the site-wide import lock (counties/importers/ice.py `lock_imports`) and removes
the upload in the same transaction as the import: of two editors (or two tabs, or two servers)
confirming the same preview, the second waits, then is told it was already imported.
"""

import datetime
import logging
import zipfile

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from .. import locks
from ..editing import unsafe_url
from ..history import history_reason
from ..importers.ice import ImportOutcome, WorkbookError, import_list, lock_imports
from ..importers.lists import read_name
from ..models import PendingUpload, Snapshot
from ..templatetags.counties import link_host
from ..text import without_controls
from .pending import UploadError, check_readable, discard, keep, load, meta_of, read_upload, stash, sweep

__all__ = ["SnapshotUploadMixin", "UploadForm", "run_import", "stash", "summary"]

log = logging.getLogger(__name__)

BUSY = (
    "Another import is running right now (another editor's upload, or the scheduled check of ICE's site). "
    "Nothing was saved; please try again in a minute."
)


def run_import(data: bytes, meta: dict, *, dry_run: bool, user=None):
    """Run the management command's importer; WorkbookError and unreadable files become UploadError.
    `user`: the editor who confirmed it, kept as the list's importer (Snapshot.imported_by)."""
    as_of = datetime.date.fromisoformat(meta["as_of"])
    try:
        with transaction.atomic():
            result = import_list(
                data,
                as_of=as_of,
                filename=meta["filename"],
                source_url=meta["source_url"],
                origin=Snapshot.Origin.UPLOAD,
                user=user,
                dry_run=dry_run,
            )
            if dry_run:
                transaction.set_rollback(True)
    except WorkbookError as error:
        raise UploadError(str(error)) from error
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError, EOFError) as error:
        log.warning("Unreadable ICE workbook %s: %r", meta.get("filename"), error)
        raise UploadError(
            "The workbook could not be read. Download the file from ICE again and upload it as is."
        ) from error
    return result


class UploadForm(forms.Form):
    workbook = forms.FileField(
        label="ICE workbook (.xlsx)",
        required=False,
        help_text="The participating-agencies workbook exactly as downloaded from ice.gov.",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )
    held = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
    as_of = forms.DateField(
        label="Date of ICE's list",
        required=False,
        help_text="Leave empty to take it from the file name (e.g. participating-2026-05-18.xlsx). "
        "You will see it in the preview before anything is saved.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    source_url = forms.URLField(
        label="Where it was downloaded (optional)",
        required=False,
        max_length=500,
        assume_scheme="https",
    )

    def __init__(self, *args, held: PendingUpload | None = None, **kwargs):
        """`held`: the editor's file kept from an earlier try of this form (its date was missing, say), so
        that it need not be chosen again; a file chosen now replaces it."""
        super().__init__(*args, **kwargs)
        self.held_upload = held
        if held is not None:
            self.fields["workbook"].help_text = (
                f"Kept from your last try: {held.filename} ({held.size:,} bytes); you need not choose it "
                "again. Choose a file only to use another one."
            )

    def file_name(self) -> str:
        upload = self.cleaned_data.get("workbook")
        if upload:
            return upload.name.rsplit("/", 1)[-1]
        return self.held_upload.filename if self.held_upload is not None else ""

    def clean_source_url(self):
        """Where the file was downloaded: ICE's own site only. Pages link it as "ice.gov" (issue 24: an
        address that only looked like ICE's was labelled so on every county page)."""
        url = without_controls(self.cleaned_data["source_url"])  # as in every other form editors fill in
        if not url:
            return url
        if not url.lower().startswith(("http://", "https://")):
            raise forms.ValidationError("Enter a web address that starts with http:// or https://.")
        problem = unsafe_url(url)
        if problem:
            raise forms.ValidationError(problem)
        if link_host(url) != "ice.gov":
            raise forms.ValidationError(
                "Give the address on ICE's own site (www.ice.gov) where the file was downloaded, or leave it empty."
            )
        return url

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("workbook") and self.held_upload is None:
            if "workbook" not in self.errors:
                self.add_error("workbook", "Choose the workbook file.")
            return cleaned
        if not cleaned.get("as_of") and "as_of" not in self.errors:  # a date typed wrong is said already
            name = read_name(self.file_name(), today=timezone.localdate())
            if name.date is None:
                # Why, in the reader's words: no date, one that cannot be, in the future, before any list.
                self.add_error(
                    "as_of",
                    f"The file name gives no date to use ({name.problem}); enter the date of ICE's list.",
                )
            cleaned["as_of"] = name.date
        return cleaned


class SnapshotUploadMixin:
    """Adds upload/, upload/confirm/ and upload/cancel/ to the Snapshot admin."""

    upload_permission = "counties.add_snapshot"

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("upload/", view(self.upload_view), name="counties_snapshot_upload"),
            path(
                "upload/confirm/",
                view(require_POST(self.upload_confirm_view)),
                name="counties_snapshot_confirm",
            ),
            path(
                "upload/cancel/", view(require_POST(self.upload_cancel_view)), name="counties_snapshot_cancel"
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_upload": request.user.has_perm(self.upload_permission)}
        return super().changelist_view(request, extra_context)

    def _check(self, request):
        if not request.user.has_perm(self.upload_permission):
            raise PermissionDenied

    def _render(self, request, template, context):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Upload an ICE workbook",
            **context,
        }
        return TemplateResponse(request, template, context)

    def _held(self, request) -> PendingUpload | None:
        """The file this editor's last try of the upload form kept (no date yet), if it is still waiting."""
        token = request.POST.get("held", "")
        if not token or len(token) > 64:
            return None
        return (
            PendingUpload.objects.filter(token=token, editor_id=request.user.pk, as_of__isnull=True)
            .exclude(created_at__lt=timezone.now() - PendingUpload.KEEP)
            .first()
        )

    def _hold(self, form, request, *, replacing: PendingUpload | None = None) -> UploadForm:
        """The form was refused for something else than its file (no date, say): keep a good file, so that
        the editor need not choose it again (a browser empties a file field on every page load)."""
        uploaded = form.cleaned_data.get("workbook")
        if not uploaded or "workbook" in form.errors:
            return form
        try:
            data = read_upload(uploaded)
            check_readable(data)
            held = keep(
                data, filename=form.file_name(), as_of=None, kind="", source_url="", user_id=request.user.pk
            )
        except UploadError as error:
            form.add_error("workbook", str(error))
            return form
        if replacing is not None:
            discard(replacing.token, request.user.pk)  # the file chosen now is the one meant
        again = UploadForm({**request.POST.dict(), "held": held.token}, held=held)
        again.is_valid()  # the same errors, shown beside the kept file
        return again

    def upload_view(self, request):
        self._check(request)
        if request.method != "POST":
            return self._render(request, "admin/counties/snapshot/upload.html", {"form": UploadForm()})
        sweep()
        held = self._held(request)
        form = UploadForm(request.POST, request.FILES, held=held)
        if not form.is_valid():
            form = self._hold(form, request, replacing=held)
            return self._render(request, "admin/counties/snapshot/upload.html", {"form": form})
        uploaded = form.cleaned_data["workbook"]
        name = form.file_name()
        meta = {
            "filename": name[:255],
            "as_of": form.cleaned_data["as_of"].isoformat(),
            "source_url": form.cleaned_data["source_url"],
        }
        try:
            if uploaded:
                data = read_upload(uploaded)
            else:
                data, _ = load(held.token, request.user.pk, dated=False)
            check_readable(data)  # bounded in memory and time, in a child process
            with transaction.atomic():
                # One import at a time, on every server: a second editor is told, not kept waiting.
                if not locks.take_in_transaction(locks.IMPORT):
                    raise UploadError(BUSY)
                result = run_import(data, meta, dry_run=True)
            upload = keep(
                data,
                filename=name,
                as_of=form.cleaned_data["as_of"],
                kind=result.kind,
                source_url=form.cleaned_data["source_url"],
                user_id=request.user.pk,
            )
        except UploadError as error:
            form.add_error(None, str(error))
            return self._render(request, "admin/counties/snapshot/upload.html", {"form": form})
        if held is not None:
            discard(held.token, request.user.pk)  # the preview keeps its own copy
        return self._render(
            request,
            "admin/counties/snapshot/upload_preview.html",
            {
                "token": upload.token,
                "meta": meta_of(upload),
                "result": result,
                "sections": result.sections,  # every agreement named, Texas first
                "title": "Check the changes, then confirm",
            },
        )

    def upload_confirm_view(self, request):
        self._check(request)
        token = request.POST.get("token", "")
        try:
            with transaction.atomic():
                lock_imports()  # one import at a time, on every server; a second confirm waits here
                data, meta = load(token, request.user.pk, for_update=True)
                reason = (
                    f"ICE list of {meta['as_of']} imported in the admin by {request.user.get_username()} "
                    f"({meta['filename']})"
                )
                try:
                    with history_reason(reason):
                        result = run_import(data, meta, dry_run=False, user=request.user)
                except UploadError as error:
                    error.discard = True  # it cannot be imported: not kept (the import is rolled back)
                    raise
                discard(token)  # in the same transaction as the import
        except UploadError as error:
            if error.discard:
                discard(token, request.user.pk)
            self.message_user(request, f"Nothing was imported: {error}", messages.ERROR)
            return HttpResponseRedirect(reverse("admin:counties_snapshot_upload"))
        self.message_user(
            request,
            f"Imported ICE's list of {meta['as_of']}: {summary(result)}.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:counties_snapshot_changelist"))

    def upload_cancel_view(self, request):
        """An editor cancels their own preview; a superuser any editor's (one left waiting, say)."""
        self._check(request)
        token = request.POST.get("token", "")
        if discard(token, None if request.user.is_superuser else request.user.pk):
            self.message_user(request, "Cancelled. Nothing was imported.", messages.INFO)
        else:
            self.message_user(
                request,
                "Nothing to cancel: that preview is gone (confirmed, cancelled or over an hour old) or is "
                "another editor's. Nothing was imported by this.",
                messages.WARNING,
            )
        return HttpResponseRedirect(reverse("admin:counties_snapshot_changelist"))


def summary(result) -> str:
    if result.outcome != ImportOutcome.IMPORTED:
        return result.summary()
    counts = (
        f"{result.rows_read} rows read, {len(result.added)} added, {len(result.dropped)} no longer listed, "
        f"{len(result.changed)} changed, {len(result.relisted)} listed again, {result.unresolved} rows unresolved"
    )
    named = []  # the news for an editor: what was added and dropped, Texas first (a few; the list has all)
    for title, rows in result.sections[:2]:
        if rows:
            shown = "; ".join(f"{r.agency} ({r.state}, {r.model})" for r in rows[:5])
            more = f"; and {len(rows) - 5} more" if len(rows) > 5 else ""
            named.append(f"{title}: {shown}{more}")
    return counts + (". " + ". ".join(named) if named else "")
