"""The uploaded ICE workbook while it waits for its editor (counties/admin/upload.py is the flow).

It waits in the database (PendingUpload: its bytes, SHA-256, date, kind, editor and time) under a random
token, so any app server can show the preview, confirm or cancel it; only its editor can use it, for an
hour at most (swept at the next upload). A file whose date is not known yet (the form asked for it) waits
with no date and cannot be confirmed: it was never previewed.
"""

import datetime
import hashlib
import io
import logging
import secrets
import zipfile

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone

from ..importers.bounded import parse_bounded
from ..importers.ice import WorkbookError
from ..importers.lists import kind_from_filename
from ..models import PendingUpload, Snapshot

log = logging.getLogger(__name__)

EXPIRED = "This preview has expired or is not valid. Please upload the file again."
GONE = (
    "This preview is no longer waiting: it was already confirmed or cancelled (in another tab, or by "
    "someone else), or it expired. Check the list of ICE lists before uploading it again."
)


class UploadError(Exception):
    """A problem the editor can act on; its text is shown as is. `discard`: the kept upload is of no
    more use (expired, changed, or it cannot be imported) and is removed."""

    def __init__(self, message, *, discard=False):
        super().__init__(message)
        self.discard = discard


def sweep(now: datetime.datetime | None = None) -> int:
    """Remove uploads nobody confirmed or cancelled within PendingUpload.KEEP."""
    deleted, _ = PendingUpload.objects.expired(now or timezone.now()).delete()
    return deleted


def read_upload(uploaded) -> bytes:
    """The upload's bytes; refuse files that are too large, empty, or not an .xlsx (zip) file."""
    limit = settings.ICE_UPLOAD_MAX_BYTES
    if uploaded.size is not None and uploaded.size > limit:
        raise UploadError(
            f"The file is {uploaded.size:,} bytes; the limit is {limit:,}. Is it the right file?"
        )
    chunks, size = [], 0
    for chunk in uploaded.chunks():
        size += len(chunk)
        if size > limit:
            raise UploadError(f"The file is larger than the limit of {limit:,} bytes. Is it the right file?")
        chunks.append(chunk)
    data = b"".join(chunks)
    if not data:
        raise UploadError("The file is empty.")
    if not data.startswith(b"PK\x03\x04") or not zipfile.is_zipfile(io.BytesIO(data)):
        raise UploadError(
            "This is not an Excel workbook (.xlsx). Download the file from ICE again and upload it as is."
        )
    return data


def check_readable(data: bytes) -> None:
    """Read the file once with a memory and time bound (never in this process): UploadError if it fails."""
    try:
        parse_bounded(data)
    except WorkbookError as error:
        raise UploadError(str(error)) from error


def meta_of(upload: PendingUpload) -> dict:
    return {
        "sha256": upload.sha256,
        "filename": upload.filename,
        "as_of": upload.as_of.isoformat() if upload.as_of else "",
        "kind": upload.kind,
        "source_url": upload.source_url,
        "user_id": upload.editor_id,
        "size": upload.size,
    }


def keep(data: bytes, *, filename, as_of, kind, source_url, user_id) -> PendingUpload:
    """Store the upload under a new token. A database that refuses it (a full disk) keeps nothing."""
    try:
        with transaction.atomic():
            return PendingUpload.objects.create(
                token=secrets.token_urlsafe(32),
                data=data,
                sha256=hashlib.sha256(data).hexdigest(),
                size=len(data),
                filename=filename[:255],
                as_of=as_of,
                kind=kind or Snapshot.Kind.PARTICIPATING,
                source_url=source_url,
                editor_id=user_id,
            )
    except DatabaseError as error:
        log.error("Could not keep an uploaded ICE workbook for confirmation: %s", error)
        raise UploadError(
            "The file could not be kept for confirmation: the database refused to store it (it may be "
            "out of disk space). Nothing was saved. Please try again later, or tell the site's administrator."
        ) from error


def stash(uploaded, *, as_of: datetime.date, source_url: str, user_id: int, kind="") -> tuple[str, dict]:
    """Check and keep an upload (without reading it); its token and what the preview shows."""
    data = read_upload(uploaded)
    name = uploaded.name.rsplit("/", 1)[-1]
    upload = keep(
        data,
        filename=name,
        as_of=as_of,
        kind=kind or kind_from_filename(name),
        source_url=source_url,
        user_id=user_id,
    )
    return upload.token, meta_of(upload)


def load(token: str, user_id: int, *, for_update: bool = False, dated: bool = True) -> tuple[bytes, dict]:
    """The kept bytes and what the preview showed; UploadError if the upload is gone, another editor's,
    more than an hour old or changed since, or (`dated`) has no date yet (it was never previewed)."""
    if not token or len(token) > 64:
        raise UploadError(EXPIRED)
    uploads = PendingUpload.objects.select_for_update() if for_update else PendingUpload.objects
    upload = uploads.filter(token=token).first()
    if upload is None:
        raise UploadError(GONE)
    if dated and upload.as_of is None:
        raise UploadError(EXPIRED)
    if upload.editor_id != user_id:
        raise UploadError("This preview belongs to another editor. Please upload the file yourself.")
    if upload.created_at < timezone.now() - PendingUpload.KEEP:
        raise UploadError(EXPIRED, discard=True)
    data = bytes(upload.data)
    if hashlib.sha256(data).hexdigest() != upload.sha256:
        raise UploadError(
            "The stored file changed after the preview. Nothing was imported; please upload it again.",
            discard=True,
        )
    return data, meta_of(upload)


def discard(token: str, user_id: int | None = None) -> int:
    """Drop a kept upload (only `user_id`'s, when given); how many were dropped (0 or 1)."""
    uploads = PendingUpload.objects.filter(token=token or "")
    if user_id is not None:
        uploads = uploads.filter(editor_id=user_id)
    return uploads.delete()[0]
