"""Fetch ICE's 287(g) page and the workbooks it links, as ICE serves them today.

Used by `sync_ice_287g` (the scheduled check, through counties/importers/discover.py) and
`import_ice_287g --url`. What ICE serves (shared/data/ice287g/ICE-PAGE-2026.md, fixtures/SOURCES.md): since
April 2026 the workbook links point to ICE's file service, `/file-download/download/public/<number>`, with no
name and no `.xlsx` in the address; the file's name, and so ICE's date for the list, is only in the answer's
`Content-Disposition`. The page itself moved in March 2026 (`/287g` -> `/identify-and-arrest/287g`).

So: only http(s), redirects followed to http(s) only (at most MAX_REDIRECTS), a size limit, a conditional GET
(If-None-Match / If-Modified-Since from the last answer), and a deadline for the whole answer, not only for
each read: a server that sends one byte every two seconds is cut off when the deadline passes. Every
failure is a DownloadError with a message an editor can read.
"""

from __future__ import annotations

import contextlib
import ipaddress
import re
import socket
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from email.message import Message
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from http import client
from urllib.parse import unquote, urljoin, urlsplit

from django.utils import timezone

from .workbook import MAX_BYTES, WorkbookError

TIMEOUT_SECONDS = 60  # for a whole answer: connecting, the headers and the body (ICE's list is ~0.3 MB)
PAGE_MAX_BYTES = 2 * 1024 * 1024
MAX_REDIRECTS = 5
MAX_CANDIDATES = 12  # links tried on one page; ICE's page has had one to three
CHECK_SECONDS_PER_ANSWER = 3  # a whole check (the page and its links) may take 3 answers' time in all
USER_AGENT = "287g-explainer workbook refresh (+https://www.ice.gov/identify-and-arrest/287g reader)"

# A link is a candidate by its text or by its address (the same tests as the public scrapers that read ICE's
# page every day): its text names a list, or its address is a workbook or ICE's file service.
_CANDIDATE_TEXT = re.compile(r"participating\s+agenc|pending\s+agenc|view\s+287\s*\(?g\)?", re.I)
_XLSX = re.compile(r"\.xlsx($|\?)", re.I)
_CANDIDATE_HREF = re.compile(r"\.xlsx($|\?)|/file-download/download/public/", re.I)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")  # C0, C1 and the line separators
_FILENAME_STAR = re.compile(r"filename\*\s*=\s*([^;]+)", re.I)


def printable(text: str) -> str:
    """What ICE sent (a name, a link's text, a header), without control characters: they would break a
    header built from it, or a row (PostgreSQL takes no NUL)."""
    return _CONTROL.sub("", text)


def same_site(url: str, site: str) -> bool:
    """Whether `url` is on the site of the address `site` (ICE's page): its host, or another host of its
    domain (www.ice.gov and ice.gov); an address given by number, only itself. A link or a redirect to
    anywhere else is not followed: the lists are ICE's, and the check never fetches another site's files."""
    try:
        host, site_host = ((urlsplit(u).hostname or "").rstrip(".") for u in (url, site))
    except ValueError:
        return False
    if not host or not site_host:
        return False
    if host == site_host:
        return True
    with contextlib.suppress(ValueError):
        ipaddress.ip_address(site_host)
        return False
    domain = ".".join(site_host.split(".")[-2:])
    return host == domain or host.endswith("." + domain)


class DownloadError(WorkbookError):
    """ICE's site did not give us the file: the message says what happened (status, timeout, size...)."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Link:
    url: str
    text: str  # the link's text on the page, spaces folded
    off_site: bool = False  # a list's link to another site: recorded, never fetched (`same_site`)


@dataclass
class Download:
    url: str  # where the answer came from, after redirects
    filename: str  # from Content-Disposition, else the address's last part ("" when neither has one)
    data: bytes = b""
    status: int = 200
    etag: str = ""
    last_modified: str = ""  # the header as sent
    headers: dict = field(default_factory=dict)
    name_from: str = ""  # "Content-Disposition", "URL" or ""
    requested_url: str = ""

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def content_type(self) -> str:
        return next((v for k, v in self.headers.items() if k.lower() == "content-type"), "")

    @property
    def last_modified_date(self):
        if not self.last_modified:
            return None
        try:
            moment = parsedate_to_datetime(self.last_modified)
        except (TypeError, ValueError, IndexError):
            return None
        if moment.tzinfo is None:
            return moment.date()
        try:
            return timezone.localtime(moment).date()  # the site's day (Texas), as the names and `today` are
        except (OverflowError, ValueError):  # a date at the end of time, in a zone past it: no date
            return None

    @property
    def is_zip(self) -> bool:
        return self.data[:4] == b"PK\x03\x04"

    @property
    def looks_like_html(self) -> bool:
        return "html" in self.content_type.lower() or self.data.lstrip()[:1] == b"<"


def filename_from(content_disposition: str) -> str:
    """The file name in a Content-Disposition header (filename*= of RFC 6266 first), as a bare name."""
    if not content_disposition:
        return ""
    extended = _FILENAME_STAR.search(content_disposition)
    name = ""
    if extended:  # RFC 6266: filename*= wins over filename=, wherever each stands
        with contextlib.suppress(LookupError, ValueError, TypeError):
            charset, _language, encoded = extended.group(1).strip().strip('"').split("'", 2)
            name = unquote(encoded, encoding=charset or "utf-8", errors="replace")
    if not name:
        message = Message()
        message["Content-Disposition"] = content_disposition
        name = message.get_filename() or ""
    name = printable(name).replace("\\", "/").rsplit("/", 1)[-1].strip().strip("\"'")
    return name[:255]


class _Deadline:
    """Shuts the sockets of one answer down when its time is up, wherever the reading is blocked."""

    def __init__(self, seconds: float):
        self.ends = time.monotonic() + seconds
        self.passed = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def remaining(self) -> float:
        return max(0.01, self.ends - time.monotonic())

    def watch(self, sock) -> None:
        with self._lock:
            self._sockets.append(sock)
            if self.passed:
                self._shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.passed = True
            for sock in self._sockets:
                self._shut(sock)

    @staticmethod
    def _shut(sock) -> None:
        with contextlib.suppress(OSError):
            socket.socket.shutdown(sock, socket.SHUT_RDWR)  # the descriptor itself, TLS socket or not

    def cancel(self) -> None:
        self._timer.cancel()


def _opener(deadline: _Deadline, site: str) -> urllib.request.OpenerDirector:
    """urllib with connections that report their socket to `deadline`, and redirects to http(s) only, on
    `site`'s own site (`same_site`)."""

    def connect(address, timeout=socket._GLOBAL_DEFAULT_TIMEOUT, source_address=None):  # noqa: SLF001
        if not isinstance(timeout, (int, float)):
            timeout = deadline.remaining()
        sock = socket.create_connection(address, min(timeout, deadline.remaining()), source_address)
        deadline.watch(sock)  # the raw socket: a TLS handshake that drips is cut off too
        return sock

    class Watched:
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._create_connection = connect

    class HTTP(Watched, client.HTTPConnection):
        pass

    class HTTPS(Watched, client.HTTPSConnection):
        def connect(self):
            # HTTPSConnection.connect, with the handshake after the TLS socket is watched: wrap_socket
            # detaches the raw socket, so a handshake that drips is only cut off through the TLS socket.
            client.HTTPConnection.connect(self)
            sock = self._context.wrap_socket(
                self.sock, server_hostname=self._tunnel_host or self.host, do_handshake_on_connect=False
            )
            self.sock = sock
            deadline.watch(sock)
            sock.do_handshake()

    class HTTPHandler(urllib.request.HTTPHandler):
        def http_open(self, req):
            return self.do_open(HTTP, req)

    class HTTPSHandler(urllib.request.HTTPSHandler):
        def https_open(self, req):
            return self.do_open(HTTPS, req, context=self._context)

    class Redirects(urllib.request.HTTPRedirectHandler):
        max_redirections = MAX_REDIRECTS

        def redirect_request(self, req, fp, code, msg, headers, newurl):
            target = urljoin(req.full_url, newurl)
            if urlsplit(target).scheme not in ("http", "https"):
                raise DownloadError(
                    f"{req.full_url} redirects to {target!r}: only http and https are followed."
                )
            if urlsplit(req.full_url).scheme == "https" and urlsplit(target).scheme == "http":
                raise DownloadError(f"{req.full_url} redirects to {target!r}: from https to http is refused.")
            if not same_site(target, site):
                raise DownloadError(
                    f"{req.full_url} redirects to {target!r}, off {site}'s site: not followed."
                )
            return super().redirect_request(req, fp, code, msg, headers, target)

    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),
        urllib.request.UnknownHandler(),
        HTTPHandler(),
        HTTPSHandler(),
        urllib.request.HTTPDefaultErrorHandler(),
        Redirects(),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


def get(
    url: str,
    *,
    limit: int = MAX_BYTES,
    etag: str = "",
    last_modified: str = "",
    timeout: float = TIMEOUT_SECONDS,
    site: str = "",
) -> Download:
    """One GET, conditional when `etag` or `last_modified` is given; a 304 comes back as status 304.

    `timeout` bounds the whole answer (redirects, headers and body), not each read. `site`: the address
    whose site the answer must come from, redirects included (`same_site`); `url`'s own by default.
    """
    if urlsplit(url).scheme not in ("http", "https"):
        raise DownloadError(f"Only http and https addresses can be downloaded, not {url!r}.")
    site = site or url
    if not same_site(url, site):
        raise DownloadError(f"{url} is off {site}'s site: not downloaded.")
    headers = {"User-Agent": USER_AGENT}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - scheme checked
    deadline = _Deadline(timeout)
    too_slow = DownloadError(
        f"{url} did not arrive in {timeout:g} seconds (timed out): ICE's site is too slow."
    )
    try:
        with _opener(deadline, site).open(request, timeout=timeout) as response:
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > limit:
                raise DownloadError(
                    f"{url} is {int(declared):,} bytes, more than {limit:,}: it is not ICE's file."
                )
            chunks, size = [], 0
            while size <= limit:
                chunk = response.read1(64 * 1024)
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
                if deadline.passed:
                    raise too_slow
            if deadline.passed:
                raise too_slow
            if declared and declared.isdigit() and size < int(declared):
                raise DownloadError(f"{url} ended after {size:,} of its {int(declared):,} bytes.")
            disposition = filename_from(response.headers.get("Content-Disposition", ""))
            from_url = printable(unquote(urlsplit(response.geturl()).path.rsplit("/", 1)[-1]))[:255]
            answer = Download(
                url=response.geturl(),
                filename=disposition or from_url,
                data=b"".join(chunks),
                status=response.status,
                etag=printable(response.headers.get("ETag", "")),
                last_modified=printable(response.headers.get("Last-Modified", "")),
                headers=dict(response.headers),
                name_from="Content-Disposition" if disposition else ("URL" if from_url else ""),
                requested_url=url,
            )
    except DownloadError:
        raise
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            return Download(
                url=url, filename="", status=304, etag=etag, last_modified=last_modified, requested_url=url
            )
        raise DownloadError(
            f"ICE's site answered {exc.code} {printable(str(exc.reason))[:100]} for {url}.", status=exc.code
        ) from exc
    except (urllib.error.URLError, OSError, ValueError, client.HTTPException) as exc:
        # refused, timeout, DNS, TLS, a bad URL, or the deadline shutting the connection down
        if deadline.passed:
            raise too_slow from exc
        reason = printable(str(getattr(exc, "reason", exc)))[:300]  # may quote what the server sent
        raise DownloadError(f"Could not download {url}: {reason}") from exc
    finally:
        deadline.cancel()
    if len(answer.data) > limit:
        raise DownloadError(f"{url} is larger than {limit:,} bytes: it is not ICE's file.")
    return answer


class _Anchors(HTMLParser):
    """Every <a href> with its text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []
        self._open: list[list] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = next((value for name, value in attrs if name == "href" and value), None)
            if self._open:  # an <a> never closed: end it here
                self.handle_endtag("a")
            if href is not None:
                self._open.append([href, []])
        elif tag == "img" and self._open:
            self._open[-1][1] += [value for name, value in attrs if name in ("alt", "title") and value]

    def handle_data(self, data):
        if self._open:
            self._open[-1][1].append(data)

    def handle_endtag(self, tag):
        if tag == "a" and self._open:
            href, text = self._open.pop()
            self.links.append((href, " ".join(" ".join(text).split())))

    def close(self):
        super().close()
        while self._open:
            self.handle_endtag("a")


def candidate_links(html: str, base_url: str) -> list[Link]:
    """The links on ICE's page that may be one of its lists, in page order, each once (MAX_CANDIDATES)."""
    parser = _Anchors()
    try:
        parser.feed(html)
        parser.close()
    except Exception as error:  # noqa: BLE001 - html.parser asserts on some broken markup
        raise DownloadError(f"ICE's page {base_url} could not be read as HTML ({error!r}).") from error
    found: dict[str, Link] = {}
    for href, raw_text in parser.links:
        text = printable(raw_text)
        try:
            url = urljoin(base_url, printable(href).strip())
            if urlsplit(url).scheme not in ("http", "https"):
                continue
            off_site = not same_site(url, base_url)
        except ValueError:  # an address that is not one ("http://[2001:db8::1/"): not a list's
            continue
        if not (_CANDIDATE_TEXT.search(text) or _CANDIDATE_HREF.search(url)):
            continue
        url = url.split("#", 1)[0]
        if url not in found or (text and not found[url].text):
            found[url] = Link(url=url, text=text[:200], off_site=off_site)

    # Links named for a list first, then workbooks by address, then the file service's other documents:
    # a page that links many documents cannot push the lists out of the ones tried.
    def rank(link: Link) -> int:
        if _CANDIDATE_TEXT.search(link.text):
            return 0
        return 1 if _XLSX.search(link.url) else 2

    return sorted(found.values(), key=rank)[:MAX_CANDIDATES]


def kind_from_text(text: str) -> str | None:
    """A link's text that names one list ('View 287(g) participating agencies') -> its kind."""
    folded = (text or "").lower()
    participating, pending = "participating" in folded, "pending" in folded
    if participating == pending:
        return None
    return "participating" if participating else "pending"


__all__ = [
    "MAX_CANDIDATES",
    "PAGE_MAX_BYTES",
    "TIMEOUT_SECONDS",
    "Download",
    "DownloadError",
    "Link",
    "candidate_links",
    "filename_from",
    "get",
    "kind_from_text",
]
