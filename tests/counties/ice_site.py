"""A stand-in for ICE's 287(g) site as it serves its lists today, on 127.0.0.1 (never the internet).

Built from what is known of ICE's site since spring 2026 (shared/data/ice287g/ICE-PAGE-2026.md, summed up in
fixtures/SOURCES.md: the code of public scrapers that read ICE's page every day), not from the 2025 page:
- the page is /identify-and-arrest/287g; the old address /287g redirects to it (the move of March 2026);
- the workbook links go to ICE's file service, /file-download/download/public/<number>: no file name and no
  .xlsx in the address; the link's text names the list ("View 287(g) Participating Agencies");
- the file's name, and so ICE's date for the list, is only in the answer's Content-Disposition
  (287gParticipatingAgenciesMMDDYY[am|pm].xlsx, ParticipatingAgencyMMDDYY.xlsx, ...), served as a spreadsheet
  with a Last-Modified and an ETag (a conditional GET may answer 304);
- the page links no pending list (the scrapers' "No pending agencies file found - skipping").
What the evidence does not say (which other links the page has) is the tests' own choice, named as such.
The site can also drip a file (one byte at a time), send HTML from the file service, or fail.
"""

from __future__ import annotations

import datetime
import http.server
import threading
import time
from email.utils import format_datetime

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE_PATH = "/identify-and-arrest/287g"
OLD_PAGE_PATH = "/287g"
FILE_SERVICE = "/file-download/download/public/"

PAGE = """<!DOCTYPE html><html lang="en"><head><title>Delegation of Immigration Authority Section 287(g)
Immigration and Nationality Act | ICE</title></head><body>
<header><a href="/">U.S. Immigration and Customs Enforcement</a> <a href="/about-ice">About ICE</a></header>
<main><h1>Delegation of Immigration Authority Section 287(g) Immigration and Nationality Act</h1>
<p>The 287(g) program enables state and local law enforcement agencies to partner with ICE.</p>
<h2>Participating Agencies</h2>
{links}
<h2>Models</h2><p>Jail Enforcement Model, Task Force Model, Warrant Service Officer program.</p>
<p><a href="/doclib/287gMOA/287gWSO_TemplateMOA.pdf">Warrant Service Officer template agreement</a></p>
</main></body></html>"""


def http_date(day: datetime.date) -> str:
    return format_datetime(
        datetime.datetime.combine(day, datetime.time(14), tzinfo=datetime.UTC), usegmt=True
    )


class IceSite:
    """Routes of path -> (status, headers, body); counts requests; can be slow or drip a file."""

    def __init__(self):
        self.routes: dict[str, tuple[int, dict, bytes]] = {}
        self.requests: list[tuple[str, dict]] = []
        self.delay = 0.0
        self.drip: dict[str, float] = {}  # path -> seconds between bytes
        self._number = 10_480  # the file service's numbers (the tests' choice)
        self.base = ""
        self.route(OLD_PAGE_PATH, 301, {"Location": PAGE_PATH}, b"")

    @property
    def page_url(self) -> str:
        return self.base + PAGE_PATH

    @property
    def old_page_url(self) -> str:
        return self.base + OLD_PAGE_PATH

    def route(self, path, status, headers, body):
        self.routes[path] = (status, headers, body)

    def serve_file(
        self,
        body: bytes,
        *,
        filename: str | None,
        modified: datetime.date | None = None,
        etag: str = "",
        content_type: str = XLSX,
        path: str | None = None,
    ) -> str:
        """One answer of the file service; returns its path (a new number unless `path` is given)."""
        if path is None:
            self._number += 7
            path = f"{FILE_SERVICE}{self._number}"
        headers = {"Content-Type": content_type}
        if filename is not None:
            headers["Content-Disposition"] = f'attachment; filename="{filename}"'
        if modified is not None:
            headers["Last-Modified"] = http_date(modified)
        if etag:
            headers["ETag"] = etag
        self.route(path, 200, headers, body)
        return path

    def page(self, *links: tuple[str, str]) -> None:
        """ICE's page with these (path, link text) links to lists."""
        html = "\n".join(f'<p><a href="{path}">{text}</a></p>' for path, text in links)
        self.route(
            PAGE_PATH, 200, {"Content-Type": "text/html; charset=UTF-8"}, PAGE.format(links=html).encode()
        )

    def publish(
        self, body: bytes, filename: str | None, *, text="View 287(g) Participating Agencies", **options
    ):
        """A page linking one participating list served by the file service (and no pending list)."""
        path = self.serve_file(body, filename=filename, **options)
        self.page((path, text))
        return path


def serve(site: IceSite):
    """Start `site` on 127.0.0.1; returns the server (shut it down when done)."""

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):  # noqa: N802 - the standard library's name
            site.requests.append((self.path, dict(self.headers)))
            time.sleep(site.delay)
            status, headers, body = site.routes.get(
                self.path, (404, {"Content-Type": "text/html"}, b"<p>Page not found</p>")
            )
            etag = headers.get("ETag")
            if status == 200 and etag and self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            pause = site.drip.get(self.path)
            try:
                if pause:
                    for i in range(len(body)):
                        self.wfile.write(body[i : i + 1])
                        self.wfile.flush()
                        time.sleep(pause)
                else:
                    self.wfile.write(body)
            except OSError:  # the client gave up
                pass

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    site.base = f"http://127.0.0.1:{server.server_port}"
    return server
