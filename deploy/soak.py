"""`make soak`: the production shape on this machine, attacked and measured (issue 24).

It starts (deploy/shape.py) what the README's deploy section describes, with Debian's packages: PostgreSQL (a cluster of its
own in a temporary folder), the site migrated and loaded, two app servers (gunicorn, each on its own Unix
socket), and nginx in front (deploy/nginx.conf.template, through deploy/render.py). Then, each with its
figures printed:

1. slow clients: 200 sockets that send one header line every 3 seconds, and a 300 MB anonymous POST,
   while a reader keeps fetching kept pages: every page under 1 second, the POST refused before its body
   is read, the slow sockets closed by nginx;
2. a dead app server: one is killed (SIGKILL, the whole process group) while four readers fetch pages:
   no reader request is lost (nginx retries a GET on the other);
3. forged X-Forwarded-For: failed admin logins and correction reports, each with a different forged
   address: the lockout and the rate limit hold (nginx overwrites the header; the site trusts it only
   from nginx).

Everything runs in a temporary folder and is stopped and removed at the end, also on failure. Exit status
0 when every check holds. Root is needed only to run PostgreSQL as its own user (`make soak` installs the
packages when they are missing and it runs as root).
"""

from __future__ import annotations

import contextlib
import html.parser
import json
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "deploy"))
from shape import Failed, Shape, check, fetch, log  # noqa: E402

KEPT_PAGES = [
    "/",
    "/es/",
    "/counties/tx/",
    "/counties/tx/dallas-county/",
    "/es/counties/tx/harris-county/",
    "/counties/fl/miami-dade-county/",
    "/models/",
    "/counties/?q=dallas",
]
SLOW_SOCKETS = 200
BIG_POST_BYTES = 300 * 1024 * 1024


def slow_header_socket(url: str, stop: threading.Event, closed_after: list[float]) -> None:
    """One header line every 3 seconds, never the blank line that ends the headers."""
    parts = urllib.parse.urlsplit(url)
    start = time.monotonic()
    try:
        with socket.create_connection((parts.hostname, parts.port), timeout=5) as sock:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n")
            number = 0
            while not stop.is_set():
                sock.settimeout(3)
                try:
                    sock.recv(1024)  # an answer (408) or the end of the connection: nginx closed it
                    closed_after.append(time.monotonic() - start)
                    return
                except TimeoutError:
                    pass
                number += 1
                sock.sendall(f"X-Slow-{number}: {'a' * 20}\r\n".encode())
    except OSError:  # reset by nginx
        closed_after.append(time.monotonic() - start)


def big_post(url: str, result: dict) -> None:
    parts = urllib.parse.urlsplit(url)
    sent = 0
    start = time.monotonic()
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(
            (
                "POST /counties/tx/dallas-county/correction/ HTTP/1.1\r\nHost: localhost\r\n"
                f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {BIG_POST_BYTES}\r\n\r\n"
            ).encode()
        )
        chunk = b"a" * 65536
        sock.setblocking(False)
        answer = b""
        while sent < BIG_POST_BYTES and time.monotonic() - start < 30:
            try:
                answer += sock.recv(65536)
                if answer:
                    break
            except BlockingIOError:
                pass
            try:
                sent += sock.send(chunk)
            except BlockingIOError:
                time.sleep(0.01)
            except OSError:
                break
        sock.setblocking(True)
        sock.settimeout(5)
        with contextlib.suppress(OSError):
            while not answer.endswith(b"</html>\r\n") and len(answer) < 100_000:
                data = sock.recv(65536)
                if not data:
                    break
                answer += data
    result.update(
        status=int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/") else None,
        sent=sent,
        seconds=time.monotonic() - start,
    )


def readers_during(shape: Shape, seconds: float, threads: int) -> list[tuple[int | None, float, str]]:
    results: list[tuple[int | None, float, str]] = []
    lock = threading.Lock()
    end = time.monotonic() + seconds

    def reader(offset: int) -> None:
        index = offset
        while time.monotonic() < end:
            path = KEPT_PAGES[index % len(KEPT_PAGES)]
            status, _headers, _body, took = fetch(shape.url + path, timeout=15)
            with lock:
                results.append((status, took, path))
            index += 1

    workers = [threading.Thread(target=reader, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return results


def summary(results) -> str:
    times = sorted(took for _s, took, _p in results)
    return (
        f"{len(results)} requests, median {statistics.median(times) * 1000:.0f} ms, "
        f"p95 {times[int(len(times) * 0.95) - 1] * 1000:.0f} ms, max {times[-1] * 1000:.0f} ms"
    )


def check_slow_clients(shape: Shape, figures: dict) -> None:
    stop = threading.Event()
    closed_after: list[float] = []
    sockets = [
        threading.Thread(target=slow_header_socket, args=(shape.url, stop, closed_after), daemon=True)
        for _ in range(SLOW_SOCKETS)
    ]
    for thread in sockets:
        thread.start()
    post: dict = {}
    poster = threading.Thread(target=big_post, args=(shape.url, post))
    time.sleep(1)
    poster.start()
    results = readers_during(shape, 14, threads=1)
    stop.set()
    poster.join()
    for thread in sockets:
        thread.join(timeout=5)
    figures["slow_clients"] = {
        "readers": summary(results),
        "post": post,
        "slow_sockets_closed": len(closed_after),
        "closed_after_s": round(max(closed_after), 1) if closed_after else None,
    }
    log(f"readers beside {SLOW_SOCKETS} slow-header sockets and a 300 MB POST: {summary(results)}")
    check(all(status == 200 for status, _t, _p in results), "every reader request answered 200")
    check(max(took for _s, took, _p in results) < 1.0, "every kept page under 1 second")
    check(post.get("status") == 413, f"the 300 MB POST refused with 413 (got {post.get('status')})")
    check(post["sent"] < 5 * 1024 * 1024, f"... after {post['sent'] / 1e6:.1f} MB sent, not 300 MB")
    check(len(closed_after) == SLOW_SOCKETS, f"nginx closed all {SLOW_SOCKETS} slow sockets")
    check(max(closed_after) < 12, f"... within {max(closed_after):.1f} s (client_header_timeout 10 s)")


def check_dead_app_server(shape: Shape, figures: dict) -> None:
    killer = threading.Timer(3, shape.kill_app, args=("web1",))
    killer.start()
    results = readers_during(shape, 9, threads=4)
    killer.join()
    failed = [(status, path) for status, _took, path in results if status != 200]
    figures["dead_app_server"] = {"readers": summary(results), "failed": len(failed)}
    log(f"four readers while app server web1 was killed: {summary(results)}")
    check(shape.apps["web1"].poll() is not None, "app server web1 was killed mid-load")
    check(not failed, f"no reader request lost ({len(failed)} failed: {failed[:3]})")


class FormFields(html.parser.HTMLParser):
    """The names and values of a page's <input> and <textarea> fields."""

    def __init__(self):
        super().__init__()
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("input", "textarea") and attrs.get("name"):
            self.fields[attrs["name"]] = attrs.get("value") or ""


def form_and_cookie(shape: Shape, path: str) -> tuple[dict, str]:
    status, headers, body, _took = fetch(shape.url + path)
    if status != 200:
        raise Failed(f"{path} answered {status}")
    parser = FormFields()
    parser.feed(body)
    fields = parser.fields
    cookies = "; ".join(
        value.split(";", 1)[0] for name, value in headers.items() if name.lower() == "set-cookie"
    )
    return fields, cookies


def post_form(shape: Shape, path: str, fields: dict, cookie: str, forged: str):
    body = urllib.parse.urlencode(fields)
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": cookie,
        "X-Forwarded-For": forged,
        "Referer": shape.url + path,
        "Origin": shape.url,
    }
    return fetch(shape.url + path, method="POST", body=body, headers=headers)


def check_forged_addresses(shape: Shape, figures: dict) -> None:
    statuses = []
    for attempt in range(7):
        fields, cookie = form_and_cookie(shape, "/admin/login/")
        fields.update(username="soak-editor", password=f"wrong-{attempt}")
        status, _headers, _body, _took = post_form(
            shape, "/admin/login/", fields, cookie, f"10.9.8.{attempt}"
        )
        statuses.append(status)
    figures["login_lockout"] = statuses
    log(f"7 failed logins, each with another forged X-Forwarded-For: {statuses}")
    check(statuses[-1] == 429 and statuses[-2] == 429, "the lockout holds after 5 failures (429)")

    statuses = []
    for attempt in range(7):
        fields, cookie = form_and_cookie(shape, "/counties/tx/dallas-county/correction/")
        fields.update(what_is_wrong=f"Soak test report {attempt}: the sheriff's status is wrong.", website="")
        fields.pop("source_url", None)
        status, *_rest = post_form(
            shape, "/counties/tx/dallas-county/correction/", fields, cookie, f"10.7.6.{attempt}"
        )
        statuses.append(status)
    figures["correction_limit"] = statuses
    log(f"7 correction reports, each with another forged X-Forwarded-For: {statuses}")
    check(statuses[:5] == [302] * 5 and statuses[5:] == [429, 429], "the rate limit holds after 5 reports")


def main() -> int:
    figures: dict = {}
    shape = Shape()
    started = time.monotonic()
    try:
        shape.start_postgres()
        figures["migrate_s"] = round(shape.manage("migrate", "--noinput", "--verbosity", "0"), 1)
        figures["load_s"] = round(shape.manage("load_shipped_data"), 1)
        log(f"migrated in {figures['migrate_s']} s, data loaded in {figures['load_s']} s")
        shape.start_app("web1")
        shape.start_app("web2")
        shape.start_nginx()
        for path in KEPT_PAGES:  # kept once, as the scheduler's keep_pages would
            status = fetch(shape.url + path, timeout=60)[0]
            check(status == 200, f"{path} answers 200 through nginx")
        hashed = json.loads((ROOT / "staticfiles" / "staticfiles.json").read_text())["paths"]["css/site.css"]
        status, headers, _body, _took = fetch(shape.url + "/static/" + hashed)
        check(
            status == 200 and "immutable" in headers.get("Cache-Control", ""),
            f"static files are served by nginx (Cache-Control: public, immutable); got {status} "
            f"{headers.get('Cache-Control')}",
        )
        check_slow_clients(shape, figures)
        check_forged_addresses(shape, figures)
        check_dead_app_server(shape, figures)
    except (Failed, subprocess.CalledProcessError) as error:
        log(f"FAILED: {error}")
        for name in ("web1.log", "web2.log", "nginx-error.log"):
            path = shape.log_dir / name
            if path.exists():
                print(f"--- {name} (last 30 lines)\n" + "\n".join(path.read_text().splitlines()[-30:]))
        return 1
    finally:
        shape.close()
    figures["total_s"] = round(time.monotonic() - started, 1)
    print(json.dumps(figures, indent=2, default=str))
    log("all checks held")
    return 0


if __name__ == "__main__":
    sys.exit(main())
