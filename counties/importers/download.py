"""Fetch ICE's 287(g) page and its two workbooks (participating and pending agencies).

Used by `sync_ice_287g` (the scheduled check) and `import_ice_287g --url`. Only http(s), a timeout, a size
limit and a conditional GET (If-None-Match / If-Modified-Since from the last answer); an HTML page is
searched for the newest link of each kind of list (`participatingAgencies<MMDDYYYY>.xlsx`,
`pendingAgencies<MMDDYYYY>.xlsx`). Every failure is a DownloadError with a message an editor can read.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from urllib.parse import unquote, urljoin, urlsplit

from .lists import date_from_filename, kind_from_filename
from .workbook import MAX_BYTES, WorkbookError

TIMEOUT_SECONDS = 30
PAGE_MAX_BYTES = 2 * 1024 * 1024
USER_AGENT = "287g-explainer workbook refresh (+https://www.ice.gov/identify-and-arrest/287g reader)"
_WORKBOOK_LINK = re.compile(r"(participating|pending).*\.xlsx$", re.I)


class DownloadError(WorkbookError):
    """ICE's site did not give us the file: the message says what happened (status, timeout, size...)."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


@dataclass
class Download:
    url: str
    filename: str
    data: bytes = b""
    status: int = 200
    etag: str = ""
    last_modified: str = ""  # the header as sent
    headers: dict = field(default_factory=dict)

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def last_modified_date(self):
        if not self.last_modified:
            return None
        try:
            return parsedate_to_datetime(self.last_modified).date()
        except (TypeError, ValueError, IndexError):
            return None


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs += [value for name, value in attrs if name == "href" and value]


def get(
    url: str,
    *,
    limit: int = MAX_BYTES,
    etag: str = "",
    last_modified: str = "",
    timeout: float = TIMEOUT_SECONDS,
) -> Download:
    """One GET, conditional when `etag` or `last_modified` is given; a 304 comes back as status 304."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise DownloadError(f"Only http and https addresses can be downloaded, not {url!r}.")
    headers = {"User-Agent": USER_AGENT}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - scheme checked
    filename = unquote(urlsplit(url).path.rsplit("/", 1)[-1]) or "workbook.xlsx"
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > limit:
                raise DownloadError(
                    f"{url} is {int(declared):,} bytes, more than {limit:,}: it is not ICE's file."
                )
            data = response.read(limit + 1)
            answer = Download(
                url=response.geturl(),
                filename=filename,
                data=data,
                status=response.status,
                etag=response.headers.get("ETag", ""),
                last_modified=response.headers.get("Last-Modified", ""),
                headers=dict(response.headers),
            )
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            return Download(url=url, filename=filename, status=304, etag=etag, last_modified=last_modified)
        raise DownloadError(
            f"ICE's site answered {exc.code} {exc.reason} for {url}.", status=exc.code
        ) from exc
    except (urllib.error.URLError, OSError, ValueError) as exc:  # refused, timeout, DNS, TLS, bad URL
        raise DownloadError(f"Could not download {url}: {getattr(exc, 'reason', exc)}") from exc
    if len(answer.data) > limit:
        raise DownloadError(f"{url} is larger than {limit:,} bytes: it is not ICE's file.")
    return answer


def workbook_links(html: str, base_url: str) -> dict[str, str]:
    """{kind: URL} of the newest workbook of each kind linked from ICE's page (by the date in its name)."""
    parser = _Links()
    parser.feed(html)
    found: dict[str, list] = {}
    for i, href in enumerate(parser.hrefs):
        link = urljoin(base_url, href)
        path = unquote(urlsplit(link).path)
        if not _WORKBOOK_LINK.search(path):
            continue
        kind = kind_from_filename(path.rsplit("/", 1)[-1])
        if kind is None:
            continue
        found.setdefault(kind, []).append(
            (date_from_filename(path) is not None, date_from_filename(path), i, link)
        )
    return {
        kind: max(items, key=lambda item: (item[0], item[1] or 0, item[2]))[3]
        for kind, items in found.items()
    }


def newest_workbook_link(html: str, base_url: str, kind: str = "participating") -> str:
    links = workbook_links(html, base_url)
    if kind not in links:
        raise DownloadError(f"No {kind}-agencies workbook (.xlsx) link was found on {base_url}.")
    return links[kind]


def fetch_workbook(url: str) -> Download:
    """The workbook at `url`, or, when `url` is ICE's 287(g) page, its newest participating workbook."""
    answer = get(url)
    content_type = answer.headers.get("Content-Type", "")
    if "html" in content_type.lower() or answer.data.lstrip()[:1] == b"<":
        link = newest_workbook_link(answer.data.decode("utf-8", errors="replace"), answer.url)
        answer = get(link)
    return answer
