"""Fetch ICE's participating-agencies workbook from a URL, or find its newest link on ICE's 287(g) page.

Used by `import_ice_287g --url` so that a deployed site can refresh itself. Only http(s), a timeout and a
size limit; an HTML page is searched for the newest `participatingAgencies<MMDDYYYY>.xlsx` link.
"""

from __future__ import annotations

import re
import urllib.request
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import unquote, urljoin, urlsplit

from .lists import date_from_filename
from .workbook import MAX_BYTES, WorkbookError

TIMEOUT_SECONDS = 30
USER_AGENT = "287g-explainer (+https://github.com/) workbook refresh"
_WORKBOOK_LINK = re.compile(r"participating.*\.xlsx$", re.I)


@dataclass
class Download:
    url: str
    filename: str
    data: bytes


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs += [value for name, value in attrs if name == "href" and value]


def _get(url: str) -> tuple[bytes, str]:
    if urlsplit(url).scheme not in ("http", "https"):
        raise WorkbookError(f"Only http and https addresses can be downloaded, not {url!r}.")
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})  # noqa: S310 - scheme checked
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            data = response.read(MAX_BYTES + 1)
            content_type = response.headers.get("Content-Type", "")
    except OSError as exc:  # URLError, HTTPError, timeouts
        raise WorkbookError(f"Could not download {url}: {exc}") from exc
    if len(data) > MAX_BYTES:
        raise WorkbookError(f"{url} is larger than {MAX_BYTES:,} bytes; it is not ICE's workbook.")
    return data, content_type


def newest_workbook_link(html: str, base_url: str) -> str:
    """The participating-agencies .xlsx link with the latest date in its name (else the last one)."""
    parser = _Links()
    parser.feed(html)
    links = [urljoin(base_url, href) for href in parser.hrefs if _WORKBOOK_LINK.search(urlsplit(href).path)]
    if not links:
        raise WorkbookError(f"No participating-agencies workbook (.xlsx) link was found on {base_url}.")
    dated = [(date_from_filename(unquote(urlsplit(link).path)), i, link) for i, link in enumerate(links)]
    with_dates = [item for item in dated if item[0] is not None]
    return max(with_dates)[2] if with_dates else links[-1]


def fetch_workbook(url: str) -> Download:
    data, content_type = _get(url)
    if "html" in content_type.lower() or data.lstrip()[:1] == b"<":
        url = newest_workbook_link(data.decode("utf-8", errors="replace"), url)
        data, _ = _get(url)
    filename = unquote(urlsplit(url).path.rsplit("/", 1)[-1]) or "workbook.xlsx"
    return Download(url=url, filename=filename, data=data)
