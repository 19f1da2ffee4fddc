"""Upload a new ICE workbook in the admin: preview what would change, then confirm or cancel.

The uploaded file waits on the server (ICE_UPLOAD_DIR, mode 0700) under a random token, with a
metadata file holding its SHA-256, the date, the editor and the time. The confirm form sends only the
token: the date, name and bytes imported are the ones the server kept and showed in the preview, and
the file's hash is checked again before the real import. The dry run happens inside a transaction that
is always rolled back, so a preview cannot change the database even if the importer misbehaved.
"""

import datetime
import hashlib
import json
import logging
import re
import secrets
import time
import zipfile
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from .history import history_reason
from .importers.ice import Outcome, WorkbookError, agreements_for, import_list, requests_for
from .importers.lists import date_from_filename
from .models import Snapshot

log = logging.getLogger(__name__)

TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{40,64}$")
KEEP_SECONDS = 60 * 60


class UploadError(Exception):
    """A problem the editor can act on; its text is shown as is."""


def _upload_dir() -> Path:
    folder = Path(settings.ICE_UPLOAD_DIR)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _paths(token: str) -> tuple[Path, Path]:
    if not TOKEN_RE.match(token or ""):
        raise UploadError("This preview has expired or is not valid. Please upload the file again.")
    folder = _upload_dir()
    return folder / f"{token}.xlsx", folder / f"{token}.json"


def sweep(now: float | None = None) -> None:
    """Remove uploads nobody confirmed or cancelled within KEEP_SECONDS."""
    now = now or time.time()
    for item in _upload_dir().glob("*"):
        try:
            if now - item.stat().st_mtime > KEEP_SECONDS:
                item.unlink()
        except FileNotFoundError:
            pass


def stash(uploaded, *, as_of: datetime.date, source_url: str, user_id: int) -> tuple[str, dict]:
    """Store the upload under a new token; refuse files that are too large or are not an .xlsx zip."""
    limit = settings.ICE_UPLOAD_MAX_BYTES
    if uploaded.size is not None and uploaded.size > limit:
        raise UploadError(
            f"The file is {uploaded.size:,} bytes; the limit is {limit:,}. Is it the right file?"
        )
    token = secrets.token_urlsafe(32)
    data_path, meta_path = _paths(token)
    digest = hashlib.sha256()
    size = 0
    with open(data_path, "xb") as out:
        for chunk in uploaded.chunks():
            size += len(chunk)
            if size > limit:
                out.close()
                data_path.unlink()
                raise UploadError(
                    f"The file is larger than the limit of {limit:,} bytes. Is it the right file?"
                )
            digest.update(chunk)
            out.write(chunk)
    if size == 0:
        data_path.unlink()
        raise UploadError("The file is empty.")
    if not zipfile.is_zipfile(data_path):
        data_path.unlink()
        raise UploadError(
            "This is not an Excel workbook (.xlsx). Download the file from ICE again and upload it as is."
        )
    meta = {
        "sha256": digest.hexdigest(),
        "filename": Path(uploaded.name).name[:255],
        "as_of": as_of.isoformat(),
        "source_url": source_url,
        "user_id": user_id,
        "size": size,
    }
    meta_path.write_text(json.dumps(meta))
    return token, meta


def load(token: str, user_id: int) -> tuple[Path, dict]:
    data_path, meta_path = _paths(token)
    try:
        meta = json.loads(meta_path.read_text())
        content = data_path.read_bytes()
    except (FileNotFoundError, ValueError) as error:
        raise UploadError(
            "This preview has expired or is not valid. Please upload the file again."
        ) from error
    if meta.get("user_id") != user_id:
        raise UploadError("This preview belongs to another editor. Please upload the file yourself.")
    if hashlib.sha256(content).hexdigest() != meta.get("sha256"):
        discard(token)
        raise UploadError(
            "The stored file changed after the preview. Nothing was imported; please upload it again."
        )
    return data_path, meta


def discard(token: str) -> None:
    try:
        for item in _paths(token):
            item.unlink(missing_ok=True)
    except UploadError:
        pass


def run_import(data_path: Path, meta: dict, *, dry_run: bool):
    """Run the management command's importer; WorkbookError and unreadable files become UploadError."""
    as_of = datetime.date.fromisoformat(meta["as_of"])
    try:
        with transaction.atomic():
            result = import_list(
                data_path.read_bytes(),
                as_of=as_of,
                filename=meta["filename"],
                source_url=meta["source_url"],
                origin=Snapshot.Origin.UPLOAD,
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
        help_text="The participating-agencies workbook exactly as downloaded from ice.gov.",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )
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

    def clean_source_url(self):
        url = self.cleaned_data["source_url"]
        if url and not url.lower().startswith(("http://", "https://")):
            raise forms.ValidationError("Enter a web address that starts with http:// or https://.")
        return url

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("workbook")
        if upload and not cleaned.get("as_of"):
            guessed = date_from_filename(upload.name)
            if guessed is None:
                self.add_error("as_of", "The file name has no date; enter the date of ICE's list.")
            cleaned["as_of"] = guessed
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

    def upload_view(self, request):
        self._check(request)
        form = UploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            sweep()
            token = None
            try:
                token, meta = stash(
                    form.cleaned_data["workbook"],
                    as_of=form.cleaned_data["as_of"],
                    source_url=form.cleaned_data["source_url"],
                    user_id=request.user.pk,
                )
                result = run_import(*load(token, request.user.pk), dry_run=True)
            except UploadError as error:
                if token:
                    discard(token)
                form.add_error(None, str(error))
            else:
                return self._render(
                    request,
                    "admin/counties/snapshot/upload_preview.html",
                    {
                        "token": token,
                        "meta": meta,
                        "result": result,
                        "sections": preview_sections(result),
                        "title": "Check the changes, then confirm",
                    },
                )
        return self._render(request, "admin/counties/snapshot/upload.html", {"form": form})

    def upload_confirm_view(self, request):
        self._check(request)
        token = request.POST.get("token", "")
        try:
            data_path, meta = load(token, request.user.pk)
            with history_reason(f"ICE list of {meta['as_of']} imported in the admin ({meta['filename']})"):
                result = run_import(data_path, meta, dry_run=False)
        except UploadError as error:
            self.message_user(request, f"Nothing was imported: {error}", messages.ERROR)
            return HttpResponseRedirect(reverse("admin:counties_snapshot_upload"))
        discard(token)
        self.message_user(
            request,
            f"Imported ICE's list of {meta['as_of']}: {summary(result)}.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:counties_snapshot_changelist"))

    def upload_cancel_view(self, request):
        self._check(request)
        discard(request.POST.get("token", ""))
        self.message_user(request, "Cancelled. Nothing was imported.", messages.INFO)
        return HttpResponseRedirect(reverse("admin:counties_snapshot_changelist"))


def preview_sections(result):
    if result.kind == Snapshot.Kind.PENDING:
        return [
            ("Requests added", requests_for(result.added)),
            ("No longer pending", requests_for(result.dropped)),
        ]
    return [
        ("Agreements added", agreements_for(result.added)),
        ("No longer listed", agreements_for(result.dropped)),
        ("Changed", agreements_for(result.changed)),
        ("Listed again", agreements_for(result.relisted)),
    ]


def summary(result) -> str:
    if result.outcome != Outcome.IMPORTED:
        return result.summary()
    return (
        f"{result.rows_read} rows read, {len(result.added)} added, {len(result.dropped)} no longer listed, "
        f"{len(result.changed)} changed, {len(result.relisted)} listed again, {result.unresolved} rows unresolved"
    )
