"""The scheduled check of ICE's site (`manage.py sync_ice_287g`, every 6 hours on one server).

    runs = sync()     # -> [SyncRun for the page, one for each list]

1. Read ICE's 287(g) page (settings.ICE_PAGE_URL) and find the newest link of each list (participating and
   pending agencies).
2. Download each with a conditional GET (the ETag and Last-Modified of the last answer). A 304, or a file
   whose SHA-256 is the newest list's, confirms that list through today: no new list. (ICE re-saves the
   same content often: the archive holds 1,127 saved files for 158 distinct lists.)
3. Import a new file through the same importer and checks as an editor's upload (counties/importers/ice.py).
   A file is held for an editor, with the reason, not imported, when its name has no date, when the date
   in its name and the server's Last-Modified disagree (ICE named January 2026 files "2025"), when it is the
   other kind of list, when its rows are an older list's (a re-served old file), or when it drops an unusual
   share of agreements. A timeout, an error status, a page without links, a file that fails the importer's
   checks or is 100 times larger than usual is a recorded failure: nothing changes, the next run tries again.
4. Record every step (SyncRun, shown in the admin), and email the editors and ADMINS when the state of a list
   changes: its first failure after a success, a newly held file, and the recovery.

Two runs at once are safe: the second finds the first's lock and stops; imports take the importer's lock.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import connection
from django.utils import timezone

from ..models import Snapshot, SyncRun
from .bounded import parse_bounded
from .download import PAGE_MAX_BYTES, DownloadError, get, workbook_links
from .ice import Outcome, WorkbookError, import_list
from .lists import date_from_filename, kind_from_filename

log = logging.getLogger(__name__)

SYNC_LOCK = 287_001  # PostgreSQL advisory lock key: one sync at a time, site-wide
NAME_DATE_SLACK_DAYS = 3  # ICE saves a file the day it names, or a day or two later
MAX_GROWTH = 100  # a file this many times larger than the last one is not ICE's list


class AlreadyRunning(Exception):
    """Another sync holds the lock."""


def _today() -> date:
    return timezone.localdate()


def _confirm_newest(kind: str, today: date) -> Snapshot | None:
    """ICE still serves the newest list we hold of this kind: it is confirmed through today."""
    newest = Snapshot.objects.newest(kind)
    if newest is not None and newest.unchanged_through < today:
        newest.unchanged_through = today
        newest.save(update_fields=["unchanged_through"])  # a new data version: pages say "confirmed on"
    return newest


def _usual_size(kind: str) -> int | None:
    last = SyncRun.objects.filter(item=kind, result__in=SyncRun.SUCCESSES, size__isnull=False).first()
    return last.size if last else None


def _check_file(run: SyncRun, kind: str, download, today: date) -> None:
    """Decide and do what this downloaded workbook means; fills `run`."""
    data = download.data
    run.sha256 = hashlib.sha256(data).hexdigest()
    run.size = len(data)
    usual = _usual_size(kind)
    if usual and len(data) > MAX_GROWTH * usual:
        run.result = SyncRun.Result.FAILED
        run.message = f"The file is {len(data):,} bytes, more than {MAX_GROWTH} times the last one ({usual:,}): not ICE's list."
        return
    held = Snapshot.objects.filter(sha256=run.sha256).first()
    newest = Snapshot.objects.newest(kind)
    if held is not None and newest is not None and held.pk == newest.pk:
        _confirm_newest(kind, today)
        run.result, run.snapshot, run.list_date = SyncRun.Result.UNCHANGED, held, held.as_of
        run.message = f"The same file as ICE's list of {held.as_of}: confirmed through {today}."
        return
    name_date = date_from_filename(download.filename)
    run.list_date = name_date
    if name_date is None:
        _hold(run, data, f"ICE's file name {download.filename!r} has no date the site can read.")
        return
    modified = download.last_modified_date
    if modified is not None and abs((modified - name_date).days) > NAME_DATE_SLACK_DAYS:
        _hold(
            run,
            data,
            f"The file's name says {name_date}, but ICE's server says it was last changed on {modified}: "
            "check the date before importing it (ICE once named January 2026 files 2025).",
        )
        return
    named_kind = kind_from_filename(download.filename)
    parse_bounded(data)  # read first in a child with a memory and time bound: a hostile file costs it, not us
    result = import_list(
        data,
        filename=download.filename,
        as_of=name_date,
        kind=named_kind or kind,
        source_url=download.url,
        origin=Snapshot.Origin.SYNC,
        unchanged_through=today if name_date <= today else name_date,
    )
    if result.outcome == Outcome.IMPORTED:
        run.result, run.snapshot = SyncRun.Result.IMPORTED, result.snapshot
        run.message = result.summary()
    elif result.outcome in (Outcome.CONFIRMED, Outcome.ALREADY):
        matched = result.matched
        if newest is not None and matched.pk == newest.pk:
            _confirm_newest(kind, today)
            run.message = f"The same rows as ICE's list of {matched.as_of}: confirmed through {today}."
        else:
            run.message = f"The same rows as ICE's list of {matched.as_of}, which is not the newest we hold."
        run.result, run.snapshot = SyncRun.Result.UNCHANGED, matched
    else:
        _hold(run, data, result.reason)


def _hold(run: SyncRun, data: bytes, reason: str) -> None:
    run.result, run.message, run.held_file = SyncRun.Result.HELD, reason, data


def _finish(run: SyncRun) -> SyncRun:
    run.finished_at = timezone.now()
    run.save()
    return run


def sync(url: str | None = None, *, timeout: float | None = None) -> list[SyncRun]:
    """Check ICE's page and both lists once; returns the SyncRun rows recorded."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [SYNC_LOCK])
        if not cursor.fetchone()[0]:
            raise AlreadyRunning("Another check of ICE's site is running; this one stops.")
    try:
        return _sync(url or settings.ICE_PAGE_URL, timeout=timeout)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [SYNC_LOCK])


def _sync(page_url: str, *, timeout: float | None) -> list[SyncRun]:
    today = _today()
    options = {"timeout": timeout} if timeout else {}
    runs = []
    page = SyncRun(item=SyncRun.Item.PAGE, url=page_url, started_at=timezone.now())
    try:
        answer = get(page_url, limit=PAGE_MAX_BYTES, **options)
        page.http_status = answer.status
        if answer.data.lstrip()[:1] != b"<" and answer.data[:4] == b"PK\x03\x04":
            links = {kind_from_filename(answer.filename) or Snapshot.Kind.PARTICIPATING: answer.url}
        else:
            links = workbook_links(answer.data.decode("utf-8", errors="replace"), answer.url)
        if not links:
            raise DownloadError(
                f"ICE's page {page_url} has no link to either list (.xlsx): did the page change?"
            )
        page.result = SyncRun.Result.FOUND
        page.message = "Links found: " + ", ".join(f"{kind}: {link}" for kind, link in sorted(links.items()))
    except DownloadError as error:
        page.result, page.message, page.http_status = SyncRun.Result.FAILED, str(error), error.status
        runs.append(_finish(page))
        notify(runs)
        return runs
    runs.append(_finish(page))
    for kind in (Snapshot.Kind.PARTICIPATING, Snapshot.Kind.PENDING):
        link = links.get(kind)
        run = SyncRun(item=kind, url=link or "", started_at=timezone.now())
        if link is None:
            run.result, run.message = SyncRun.Result.FAILED, f"ICE's page links no {kind} list."
            runs.append(_finish(run))
            continue
        # The validators of the last file we hold from this link (never of a held or failed one: a 304 must
        # mean "still the list we have").
        last = (
            SyncRun.objects.filter(
                item=kind, url=link, result__in=[SyncRun.Result.UNCHANGED, SyncRun.Result.IMPORTED]
            )
            .exclude(etag="", last_modified="")
            .first()
        )
        try:
            download = get(
                link,
                etag=last.etag if last else "",
                last_modified=last.last_modified if last else "",
                **options,
            )
            run.http_status, run.filename = download.status, download.filename
            run.etag, run.last_modified = download.etag, download.last_modified
            if download.not_modified:
                newest = _confirm_newest(kind, today)
                run.result, run.snapshot = SyncRun.Result.UNCHANGED, newest
                run.list_date = newest.as_of if newest else None
                run.size = last.size if last else None
                run.message = f"Not modified since the last check: confirmed through {today}."
            else:
                _check_file(run, kind, download, today)
        except DownloadError as error:
            run.result, run.message, run.http_status = SyncRun.Result.FAILED, str(error), error.status
        except WorkbookError as error:  # the importer's checks: nothing was written
            run.result, run.message = SyncRun.Result.FAILED, f"The file is not a readable list: {error}"
        runs.append(_finish(run))
    notify(runs)
    return runs


# --- telling the editors -----------------------------------------------------------------------------


def _state(run: SyncRun | None) -> str:
    if run is None:
        return "none"
    return "ok" if run.succeeded else run.result


def _news(run: SyncRun) -> str:
    """What changed for this item since its previous run, worth an email ('' when nothing is)."""
    before = SyncRun.objects.filter(item=run.item, finished_at__lt=run.finished_at).exclude(pk=run.pk).first()
    was, now = _state(before), _state(run)
    label = run.get_item_display()
    if now == "failed" and was != "failed":
        return f"{label}: the check failed ({run.message})"
    if now == "held" and not (was == "held" and before.sha256 == run.sha256):
        return f"{label}: a file was held, not imported: {run.message}"
    if now == "ok" and was in ("failed", "held"):
        return f"{label}: working again ({run.get_result_display()}). {run.message}"
    return ""


def recipients() -> list[str]:
    editors = (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True, groups__name="Editor")
        .exclude(email="")
        .values_list("email", flat=True)
    )
    admins = [email for _name, email in settings.ADMINS]
    return sorted(set(editors) | set(admins))


def notify(runs: list[SyncRun]) -> None:
    news = [line for line in (_news(run) for run in runs) if line]
    if not news:
        return
    to = recipients()
    if not to:
        log.warning(
            "ICE sync: nobody to tell (no editor with an email address, no ADMINS): %s", "; ".join(news)
        )
        return
    body = (
        "\n\n".join(news)
        + f"\n\nEvery check is listed in the admin under “Checks of ICE's site”.\n{settings.SITE_URL}/admin/"
    )
    try:
        send_mail("287(g) site: ICE's lists check", body, settings.DEFAULT_FROM_EMAIL, to)
    except Exception:  # noqa: BLE001 - a mail server that is down must not undo the check
        log.exception("ICE sync: could not send the email to %s", ", ".join(to))


__all__ = ["AlreadyRunning", "notify", "recipients", "sync"]
