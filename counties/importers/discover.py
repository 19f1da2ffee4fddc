"""Which of the links on ICE's 287(g) page are its lists, what each is, and which is the newest of each kind.

    found = discover(page_url, validators=...)   # -> Discovery(page, lists, rejected, failed)

A link is a candidate by its text or its address (download.candidate_links); what it is comes from the
answer, never from the address alone: a zip whose sheet has ICE's columns (read in a bounded child,
counties/importers/bounded.py). Its kind comes, in this order of trust, from the file's name (the
`Content-Disposition` name, else the address), from the link's text, or from the columns (a pending list has
no SIGNED column); `kind_from` records which. Its date comes from the name in every scheme ICE has used
(lists.read_name); a name with no date, or an impossible one, leaves the date to the server's
`Last-Modified`, and `date_from` says so.

A 304 to a conditional GET is the file we last had from that address (`validators`: url -> the check that
holds it), so it is not downloaded again.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date

from .bounded import parse_bounded
from .download import (
    CHECK_SECONDS_PER_ANSWER,
    PAGE_MAX_BYTES,
    TIMEOUT_SECONDS,
    Download,
    DownloadError,
    Link,
    candidate_links,
    get,
    kind_from_text,
    printable,
)
from .lists import EARLIEST_LIST, ListName, ParsedList, WorkbookError, read_name
from .workbook import Kind

PART_ORDER = {"": 0, "am": 1, "mid": 2, "pm": 3}


class KindFrom:
    NAME = "name"
    LINK_TEXT = "link text"
    COLUMNS = "columns"
    LAST_CHECK = "last check"  # a 304: the same file as the last time


class DateFrom:
    NAME = "name"
    LAST_MODIFIED = "Last-Modified"
    LAST_CHECK = "last check"


@dataclass
class Found:
    """One link that answered with one of ICE's lists (or a 304 for the one we had)."""

    link: Link
    download: Download
    kind: str
    kind_from: str
    name: ListName
    parsed: ParsedList | None = None  # None for a 304
    list_date: date | None = None
    date_from: str = ""
    date_note: str = ""  # why the name's date was not used, when it was not
    previous: object = None  # for a 304: the SyncRun whose validators were sent

    @property
    def order(self) -> tuple:
        """Newest first: a known date, then the date, the part of day, the server's date, the link's place."""
        return (
            self.list_date is not None,
            self.list_date or date.min,
            PART_ORDER.get(self.name.part, 0),
            self.download.last_modified_date or date.min,
        )


@dataclass
class Discovery:
    page: Download
    links: list[Link] = field(default_factory=list)
    lists: dict[str, list[Found]] = field(default_factory=dict)  # kind -> newest first
    rejected: list[tuple[Link, str]] = field(default_factory=list)  # answered, but not a list: why
    failed: list[tuple[Link, DownloadError]] = field(default_factory=list)  # no answer

    def newest(self, kind: str) -> Found | None:
        found = self.lists.get(kind)
        return found[0] if found else None

    def summary(self) -> str:
        lines = [f"{len(self.links)} candidate link(s) on the page."]
        for kind, items in sorted(self.lists.items()):
            for i, item in enumerate(items):
                lines.append(
                    f"{'Newest ' if i == 0 else 'Older '}{kind} list: {item.link.url} "
                    f"({item.download.filename or 'no file name'}; kind from its {item.kind_from}; "
                    f"dated {item.list_date or 'unknown'} from {item.date_from or 'nothing'})"
                )
        lines += [f"Not a list: {link.url} ({why})" for link, why in self.rejected]
        lines += [f"No answer: {link.url} ({error})" for link, error in self.failed]
        return "\n".join(lines)


def list_date(download: Download, name: ListName, today: date) -> tuple[date | None, str, str]:
    """(date, where it came from, why the name's date was not used)."""
    if name.date is not None:
        return name.date, DateFrom.NAME, ""
    why = (
        f"the file's name {download.filename!r}: {name.problem}"
        if download.filename
        else "the file has no name"
    )
    modified = download.last_modified_date
    if modified is not None and EARLIEST_LIST <= modified <= today:
        return modified, DateFrom.LAST_MODIFIED, why
    return None, "", why


def identify(link: Link, download: Download, today: date) -> Found:
    """What this answer is; WorkbookError (the reason, for the record) when it is not one of ICE's lists."""
    if not download.is_zip:
        what = (
            "an HTML page, not an Excel workbook"
            if download.looks_like_html
            else "not an Excel workbook (.xlsx)"
        )
        sent = printable(download.content_type)[:100] or "no Content-Type"
        raise WorkbookError(f"the answer is {what} ({sent})")
    parsed = parse_bounded(download.data)  # WorkbookError: a zip that is not ICE's workbook
    name = read_name(download.filename, today=today)
    if name.kind:
        kind, kind_from = name.kind, KindFrom.NAME
    elif kind_from_text(link.text):
        kind, kind_from = kind_from_text(link.text), KindFrom.LINK_TEXT
    else:
        kind, kind_from = parsed.kind, KindFrom.COLUMNS
    found_date, date_from, note = list_date(download, name, today)
    return Found(
        link=link,
        download=download,
        kind=kind,
        kind_from=kind_from,
        name=name,
        parsed=parsed,
        list_date=found_date,
        date_from=date_from,
        date_note=note,
    )


def discover(
    page_url: str, *, today: date, validators: dict | None = None, timeout: float | None = None
) -> Discovery:
    """Read ICE's page and every candidate link on it. DownloadError when the page itself cannot be read.

    `validators`: {url: SyncRun} of the last good check of each address, for a conditional GET.
    `timeout` bounds each answer; the whole check, CHECK_SECONDS_PER_ANSWER answers' time: a link tried
    after that is recorded as not tried (a page of slow links would hold the check, its lock and a
    thread for as long as all of them together).
    """
    timeout = timeout or TIMEOUT_SECONDS
    deadline = time.monotonic() + CHECK_SECONDS_PER_ANSWER * timeout
    validators = validators or {}
    page = get(page_url, limit=PAGE_MAX_BYTES, timeout=timeout)
    if page.not_modified:  # asked without validators: a 304 is no page
        raise DownloadError(f"ICE's site answered 304 Not Modified to a plain request for {page_url}.", 304)
    result = Discovery(page=page)
    if page.is_zip:  # the address given is a workbook itself
        links = [Link(url=page.url, text="")]
        answers = {page.url: page}
    else:
        links = candidate_links(page.data.decode("utf-8", errors="replace"), page.url)
        answers = {}
    result.links = links
    found: list[Found] = []
    for link in links:
        if link.off_site:
            result.rejected.append((link, "a link off ICE's site: not fetched (the lists are ICE's own)"))
            continue
        last = validators.get(link.url)
        left = deadline - time.monotonic()
        try:
            if link.url not in answers and left <= min(1, timeout / 4):
                raise DownloadError(
                    f"{link.url} was not tried: the check had run its {CHECK_SECONDS_PER_ANSWER * timeout:g} "
                    "seconds (ICE's site is too slow)."
                )
            download = answers.get(link.url) or get(
                link.url,
                etag=last.etag if last else "",
                last_modified=last.last_modified if last else "",
                timeout=min(timeout, left),
                site=page.url,
            )
        except DownloadError as error:
            result.failed.append((link, error))
            continue
        if download.not_modified and last is not None:
            found.append(
                Found(
                    link=link,
                    download=download,
                    kind=last.item,
                    kind_from=KindFrom.LAST_CHECK,
                    name=read_name(last.filename, today=today),
                    list_date=last.list_date,
                    date_from=DateFrom.LAST_CHECK,
                    previous=last,
                )
            )
            continue
        try:
            found.append(identify(link, download, today))
        except WorkbookError as error:
            result.rejected.append((link, str(error)))
    for kind in (Kind.PARTICIPATING, Kind.PENDING):
        items = [item for item in found if item.kind == kind]
        if items:
            # newest first; among equals the later link on the page first (as the old page listed them)
            ranked = sorted(enumerate(items), key=lambda pair: (pair[1].order, pair[0]), reverse=True)
            result.lists[kind] = [item for _index, item in ranked]
    return result


def fetch_list(url: str, *, today: date, timeout: float | None = None) -> Found:
    """For `import_ice_287g --url`: the workbook at `url`, or, when `url` is ICE's page, its newest
    participating list (else its newest pending list), found as the scheduled check finds them."""
    found = discover(url, today=today, timeout=timeout)
    item = found.newest(Kind.PARTICIPATING) or found.newest(Kind.PENDING)
    if item is not None:
        return item
    if found.page.is_zip:
        why = "; ".join(why for _link, why in found.rejected)
        raise DownloadError(f"{url} is not one of ICE's lists: {why}")
    if not found.links and not found.page.looks_like_html:
        raise DownloadError(f"{url} is not an Excel workbook (.xlsx), nor a page that links one.")
    reasons = [f"{link.url}: {why}" for link, why in found.rejected]
    reasons += [f"{link.url}: {error}" for link, error in found.failed]
    raise DownloadError(
        f"No list of ICE's (participating or pending agencies workbook) was found on {url}"
        + (": " + "; ".join(reasons) if reasons else ".")
    )


__all__ = ["DateFrom", "Discovery", "Found", "KindFrom", "discover", "fetch_list", "identify", "list_date"]
