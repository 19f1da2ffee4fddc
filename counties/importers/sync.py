"""The scheduled check of ICE's site (`manage.py sync_ice_287g`, every 6 hours on one server).

    runs = sync()     # -> [SyncRun for the page, one for each list]

1. Read ICE's 287(g) page (settings.ICE_PAGE_URL, redirects followed) and every link on it that may be a
   list: by its text or its address (`.xlsx`, ICE's file service `/file-download/download/public/<n>`).
   Each answer says what it is: a workbook with ICE's columns, its kind from its file name (ICE's
   `Content-Disposition`), the link's text or its columns, its date from the name in every scheme ICE has
   used, else from the server's Last-Modified (counties/importers/discover.py). The newest of each kind is
   the one checked. Links and redirects off ICE's own site are not followed, and the whole check has a
   time limit (three answers' time), not only each answer.
2. Each is downloaded with a conditional GET (the ETag and Last-Modified of the last answer from that
   address). A 304, or a file whose SHA-256 is the newest list's, confirms that list through today: no new
   list. (ICE re-saves the same content often: the archive holds 1,127 saved files for 158 distinct lists.)
3. A new file goes through the same importer and checks as an editor's upload (counties/importers/ice.py).
   It is held for an editor, with the reason, not imported, when its date cannot be told, when the date in
   its name and the server's Last-Modified disagree (ICE named January 2026 files "2025"), when it is the
   other kind of list, when its rows are an older list's (a re-served old file), when ICE posted a second,
   different list on a date already held, or when it drops an unusual share of agreements. A timeout, an
   error status, a page without lists, a file that fails the importer's checks or is 100 times larger
   than usual is a recorded failure: nothing changes, the next run tries again.
4. A page that links no pending list (ICE's page since spring 2026) is a state, not a failure: the run
   records it (ABSENT), editors hear of it once when it starts and once when it ends, and the pages go on
   naming the last pending list ICE published.
5. Every step is recorded (SyncRun, shown in the admin), and the editors and ADMINS are emailed when the
   state of a list changes: its first failure after a success, a newly held file, a list ICE stops or
   starts linking, and the recovery.

Two runs at once are safe: the second finds the first's lock and stops; imports take the importer's lock.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.db.models import Q
from django.utils import timezone

from .. import background, locks
from ..models import Snapshot, SyncRun
from .discover import DateFrom, Discovery, Found, discover
from .download import DownloadError, kind_from_text
from .ice import ImportOutcome, WorkbookError, import_list

log = logging.getLogger(__name__)

SYNC_LOCK = locks.SYNC  # counties/locks.py
NAME_DATE_SLACK_DAYS = 3  # ICE saves a file the day it names, or a day or two later
MAX_GROWTH = 100  # a file this many times larger than the last one is not ICE's list
KINDS = (Snapshot.Kind.PARTICIPATING, Snapshot.Kind.PENDING)


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


def _validators() -> dict[str, SyncRun]:
    """{address: the last check that got a file we hold from it} (never a held or failed one: a 304 must
    mean "still the list we have")."""
    runs = (
        SyncRun.objects.filter(result__in=[SyncRun.Result.UNCHANGED, SyncRun.Result.IMPORTED])
        .exclude(item=SyncRun.Item.PAGE)
        .exclude(etag="", last_modified="")
        .order_by("-finished_at")[:50]
    )
    found: dict[str, SyncRun] = {}
    for run in runs:
        found.setdefault(run.url, run)
    return found


def _check_file(run: SyncRun, found: Found, today: date) -> None:
    """Decide and do what this downloaded workbook means; fills `run`."""
    kind, data = found.kind, found.download.data
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
    as_of = found.list_date
    if as_of is None:
        _hold(
            run,
            data,
            f"ICE's date for this list cannot be told: {found.date_note}, and the server gave no usable Last-Modified date.",
        )
        return
    dated = ""
    if found.date_from == DateFrom.LAST_MODIFIED:
        dated = f"Dated {as_of} by the server's Last-Modified, because {found.date_note}. "
    else:
        modified = found.download.last_modified_date
        if modified is not None and abs((modified - as_of).days) > NAME_DATE_SLACK_DAYS:
            _hold(
                run,
                data,
                f"The file's name says {as_of}, but ICE's server says it was last changed on {modified}: "
                "check the date before importing it (ICE once named January 2026 files 2025).",
            )
            return
    if (
        newest is not None
        and as_of < newest.as_of
        and not Snapshot.objects.filter(kind=kind, content_key=found.parsed.content_key).exists()
    ):
        _hold(
            run,
            data,
            f"A list we do not hold, dated {as_of}, before the newest we hold ({newest.as_of}): ICE's page serves "
            "its newest list, so the date is likely a typo (ICE named January 2026 files 2025). Check it "
            "before importing it.",
        )
        return
    same_day = Snapshot.objects.filter(kind=kind, as_of=as_of).first()
    if (
        same_day is not None
        and same_day.sha256 != run.sha256
        and same_day.content_key != found.parsed.content_key
    ):
        part = f" (its name says {found.name.part})" if found.name.part else ""
        _hold(
            run,
            data,
            f"ICE posted a second, different list dated {as_of}{part}; the site keeps one list a date and holds "
            f"{same_day.filename}. ICE's next list will carry the change; or an editor can import this one.",
        )
        return
    result = import_list(
        data,
        filename=found.download.filename or f"{kind}-{as_of}.xlsx",
        as_of=as_of,
        kind=kind,
        source_url=found.download.url,
        origin=Snapshot.Origin.SYNC,
        unchanged_through=today if as_of <= today else as_of,
        today=today,
    )
    if result.outcome == ImportOutcome.IMPORTED:
        run.result, run.snapshot = SyncRun.Result.IMPORTED, result.snapshot
        run.message = dated + result.summary()
    elif result.outcome in (ImportOutcome.CONFIRMED, ImportOutcome.ALREADY):
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
    with locks.held_if_free(SYNC_LOCK) as taken:
        if not taken:
            raise AlreadyRunning("Another check of ICE's site is running; this one stops.")
        return _sync(url or settings.ICE_PAGE_URL, timeout=timeout)


def check_in_background(url: str | None = None) -> threading.Thread | None:
    """An editor's "Check ICE's site now" (the admin): the same check as the scheduled one, in a thread of
    this process so that the editor's page answers at once (a check can take longer than a request may).
    None when a check is running already (the scheduler's, or another editor's): one at a time."""
    with locks.held_if_free(SYNC_LOCK) as free:
        if not free:
            return None

    def run() -> None:
        try:
            sync(url)
        except AlreadyRunning:
            pass  # one began in between: its result is the one to read
        except Exception:  # noqa: BLE001 - recorded by the check itself where it can be; never lost silently
            log.exception("ICE sync started from the admin failed")

    return background.start("ice-check-now", run)


def _page_problem(page_url: str, found: Discovery) -> str:
    """Why the page gave no list at all ('' when it gave one)."""
    if found.lists:
        return ""
    if not found.links:
        return (
            f"ICE's page {page_url} has no link to any list (no link named for one, to an .xlsx file or to "
            "ICE's file service): did the page change?"
        )
    reasons = [f"{link.url}: {why}" for link, why in found.rejected]
    reasons += [f"{link.url}: {error}" for link, error in found.failed]
    return f"None of the {len(found.links)} links to lists on ICE's page {page_url} gave one: " + "; ".join(
        reasons
    )


def _names(failed, kind: str) -> bool:
    """Some link that gave no answer is named for this kind of list."""
    return any(kind_from_text(link.text) == kind for link, _error in failed)


def _missing(kind: str, found: Discovery) -> tuple[str, str]:
    """(result, message) for a kind of list the page gave none of."""
    failed = [(link, error) for link, error in found.failed if kind_from_text(link.text) in (None, kind)]
    if failed and (kind == Snapshot.Kind.PARTICIPATING or not found.lists or _names(failed, kind)):
        return SyncRun.Result.FAILED, (
            f"No {kind} list: {len(failed)} link(s) on ICE's page gave no answer, and may be it: "
            + "; ".join(str(error) for _link, error in failed)
        )
    if kind == Snapshot.Kind.PENDING:
        last = Snapshot.objects.newest(kind)
        held = f"the newest we hold is of {last.as_of}" if last else "the site holds none"
        unanswered = f" ({len(found.failed)} other link(s) gave no answer.)" if found.failed else ""
        return SyncRun.Result.ABSENT, (
            f"ICE's page links no pending list ({held}; ICE has published none since that we know of). "
            "Not a failure: the pages go on naming ICE's last pending list." + unanswered
        )
    rejected = "; ".join(f"{link.url}: {why}" for link, why in found.rejected)
    return (
        SyncRun.Result.FAILED,
        f"ICE's page links no participating list that could be read. {rejected}".strip(),
    )


def _sync(page_url: str, *, timeout: float | None) -> list[SyncRun]:
    today = _today()
    runs = []
    page = SyncRun(item=SyncRun.Item.PAGE, url=page_url[:500], started_at=timezone.now())
    try:
        found = discover(page_url, today=today, validators=_validators(), timeout=timeout)
        page.http_status = found.page.status
        problem = _page_problem(page_url, found)
        if problem:
            raise DownloadError(problem)
        page.result, page.message = SyncRun.Result.FOUND, found.summary()
    except (DownloadError, WorkbookError) as error:
        page.result, page.message = SyncRun.Result.FAILED, str(error)
        page.http_status = getattr(error, "status", None)
        runs.append(_finish(page))
        notify(runs)
        return runs
    except Exception as error:  # noqa: BLE001 - ICE's page, however odd, gets a recorded failure
        log.exception("ICE sync: reading ICE's page failed unexpectedly")
        page.result = SyncRun.Result.FAILED
        page.message = f"Reading ICE's page failed unexpectedly ({type(error).__name__}); nothing changed."
        runs.append(_finish(page))
        notify(runs)
        return runs
    runs.append(_finish(page))
    for kind in KINDS:
        item = found.newest(kind)
        run = SyncRun(item=kind, url=(item.link.url if item else "")[:500], started_at=timezone.now())
        if item is None:
            run.result, run.message = _missing(kind, found)
            runs.append(_finish(run))
            continue
        download = item.download
        run.http_status, run.link_text = download.status, item.link.text[:200]
        run.kind_from, run.date_from, run.list_date = item.kind_from, item.date_from, item.list_date
        run.filename = (download.filename or (item.previous.filename if item.previous else ""))[:255]
        # A validator too long to keep is not kept (a cut one would never match): the next GET is plain.
        run.etag = download.etag if len(download.etag) <= 200 else ""
        run.last_modified = download.last_modified if len(download.last_modified) <= 100 else ""
        try:
            if download.not_modified:
                newest = Snapshot.objects.newest(kind)
                previous = item.previous
                run.size = previous.size if previous else None
                if previous is not None and newest is not None and previous.snapshot_id == newest.pk:
                    _confirm_newest(kind, today)
                    run.result, run.snapshot, run.list_date = SyncRun.Result.UNCHANGED, newest, newest.as_of
                    run.message = f"Not modified since the last check: confirmed through {today}."
                else:
                    run.result, run.snapshot = (
                        SyncRun.Result.UNCHANGED,
                        previous.snapshot if previous else None,
                    )
                    run.message = "Not modified since the last check, which was not the newest list we hold."
            else:
                _check_file(run, item, today)
        except DownloadError as error:
            run.result, run.message, run.http_status = SyncRun.Result.FAILED, str(error), error.status
        except WorkbookError as error:  # the importer's checks: nothing was written
            run.result, run.message = SyncRun.Result.FAILED, f"The file is not a readable list: {error}"
        except Exception as error:  # noqa: BLE001 - recorded and told, never a traceback for ICE's input
            log.exception("ICE sync: checking the %s list failed unexpectedly", kind)
            run.result = SyncRun.Result.FAILED
            run.message = (
                f"The check of this list failed unexpectedly ({type(error).__name__}); nothing changed."
            )
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
    if now == "absent" and was != "absent":
        return f"{label}: ICE's page no longer links one. {run.message} You will be told when it links one again."
    if was == "absent" and now != "absent":
        return f"{label}: ICE's page links one again ({run.get_result_display()}). {run.message}"
    if now == "failed" and was != "failed":
        return f"{label}: the check failed ({run.message})"
    if now == "held" and not (was == "held" and before.sha256 == run.sha256):
        return f"{label}: a file was held, not imported: {run.message}"
    if now == "ok" and was in ("failed", "held"):
        return f"{label}: working again ({run.get_result_display()}). {run.message}"
    return ""


def recipients() -> list[str]:
    """Every active editor with an address (the Editor group's members and the superusers: a superuser who
    edits is not in the group, and was left out), and ADMINS."""
    editors = (
        get_user_model()
        .objects.filter(Q(groups__name="Editor") | Q(is_superuser=True), is_active=True, is_staff=True)
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
    subject = "287(g) site: ICE's lists check"
    try:  # one message each: no editor's address is shown to the others
        send_mass_mail([(subject, body, settings.DEFAULT_FROM_EMAIL, [address]) for address in to])
    except Exception:  # noqa: BLE001 - a mail server that is down must not undo the check
        log.exception("ICE sync: could not send the email to %s", ", ".join(to))


__all__ = ["AlreadyRunning", "check_in_background", "notify", "recipients", "sync"]
