"""Browser tests: the real site (gunicorn, DEBUG off, WhiteNoise) driven by Debian's Chromium.

The server is a separate process on a free localhost port that reads the pytest test database (with the
shipped data loaded once per session by tests/conftest.py, `_shipped_session`). Its requests come from other connections,
so it only sees committed data: browser tests read what the session loaded and never write through the
ORM. Playwright's sync API runs an event loop in this thread, so Django's async-safety check is switched
off while the browser package runs (no ORM call here runs concurrently with it).
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import warnings
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection, connections

BASE_DIR = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
# Headless, as root in a sandboxed container, on a machine without a GPU or an outside network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_JS = Path(__file__).parent / "vendor" / "axe.min.js"
# Loaded on the site's pages only, not on the about:blank a window starts with: evaluating axe's 654 KB
# where it is never run cost 3 of the 22 s of renderer CPU of test_every_page.py.
AXE_ON_PAGES_JS = "if (location.protocol === 'http:') {\n" + AXE_JS.read_text() + "\n}"
PHONE = {"width": 390, "height": 844}

# Collects Content-Security-Policy violations and uncaught errors from inside the page.
WATCH_PAGE_JS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  const where = `${e.sourceFile}:${e.lineNumber}`;
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${where}`);
});
"""


@dataclass
class SiteServer:
    url: str
    access_log: Path
    error_log: Path

    def access_log_lines(self) -> list[str]:
        return self.access_log.read_text().splitlines()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed browser test shows the last lines of its server's logs (each request's path, status and
    time): a page that timed out says whether the server was slow, stuck or never asked."""
    report = yield
    server = item.funcargs.get("site_server") if hasattr(item, "funcargs") else None
    if report.failed and isinstance(server, SiteServer):
        stderr = server.error_log.with_name("stderr.log")
        for title, log in (
            ("access log", server.access_log),
            ("error log", server.error_log),
            ("stderr", stderr),
        ):
            lines = log.read_text(errors="replace").splitlines()[-40:] if log.exists() else []
            report.sections.append((f"site server's {title} (last {len(lines)} lines)", "\n".join(lines)))
    return report


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _test_database_url() -> str:
    db = connection.settings_dict
    port = f":{db['PORT']}" if db.get("PORT") else ""
    credentials = f"{quote(db['USER'] or '', safe='')}:{quote(db['PASSWORD'] or '', safe='')}"
    return f"postgres://{credentials}@{quote(db['HOST'] or '', safe='')}{port}/{quote(db['NAME'], safe='')}"


def _stacks(process, logs: Path) -> str:
    """Every thread's stack in the server's workers (config/gunicorn.conf.py: SIGUSR2)."""
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    for pid in children.read_text().split() if children.exists() else []:
        os.kill(int(pid), signal.SIGUSR2)
    time.sleep(1)
    return (logs / "stderr.log").read_text(errors="replace")[-20_000:]


def _database_activity() -> str:
    """Every session on the test database and what it waits for, and the locks not granted."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid, state, wait_event_type, wait_event, xact_start, left(query, 300) FROM pg_stat_activity "
            "WHERE datname = current_database()"
        )
        sessions = cursor.fetchall()
        cursor.execute(
            "SELECT l.pid, l.locktype, l.mode, l.relation::regclass::text, pg_blocking_pids(l.pid) "
            "FROM pg_locks l WHERE NOT l.granted"
        )
        waiting = cursor.fetchall()
        cursor.execute(
            "SELECT pid, locktype, mode, relation::regclass::text FROM pg_locks "
            "WHERE mode = 'AccessExclusiveLock' AND granted"
        )
        exclusive = cursor.fetchall()
    lines = [f"this test process: pid {connection.connection.info.backend_pid}"]
    lines += [f"session {row}" for row in sessions]
    lines += [f"waiting {row}" for row in waiting]
    lines += [f"exclusive {row}" for row in exclusive]
    return "\n".join(lines)


@pytest.fixture(scope="session")
def site_server(_shipped_session, django_db_blocker, tmp_path_factory):
    """The production server (gunicorn, DEBUG off, static files by WhiteNoise) on the test database."""
    with django_db_blocker.unblock():
        database_url = _test_database_url()
    logs = tmp_path_factory.mktemp("site-server")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}},
        "DEBUG": "0",
        "HTTPS": "0",
        "SECRET_KEY": "browser-tests-" + "k" * 50,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": url,
        "DATABASE_URL": database_url,
    }
    server = SiteServer(url=url, access_log=logs / "access.log", error_log=logs / "error.log")
    # The same gunicorn configuration as `make run`, with the logs written to files the tests read.
    command = [
        *(sys.executable, "-m", "gunicorn", "config.wsgi", "--config", "config/gunicorn.conf.py"),
        *("--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "4"),
        *("--access-logfile", str(server.access_log), "--error-logfile", str(server.error_log)),
    ]
    stderr = (logs / "stderr.log").open("wb")
    process = subprocess.Popen(command, cwd=BASE_DIR, env=env, stderr=stderr)  # noqa: S603 - our own command
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url + "/healthz", timeout=5) as response:  # noqa: S310 - localhost
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError):
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                log = "\n".join(
                    p.read_text(errors="replace")
                    for p in (server.error_log, logs / "stderr.log")
                    if p.exists()
                )
                pytest.fail(f"the site server did not start:\n{log}")
            time.sleep(0.2)
        # The worker builds its search index as it starts; a search waits for that build. Waiting here,
        # with time to spare, keeps the build out of the first search test's navigation timeout.
        try:
            with urllib.request.urlopen(url + "/counties/?q=server-warm-up", timeout=120) as response:  # noqa: S310
                assert response.status == 200
        except TimeoutError:
            with django_db_blocker.unblock():
                activity = _database_activity()
            pytest.fail(
                f"the site server's first search did not answer:\n{activity}\n{_stacks(process, logs)}"
            )
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        stderr.close()


@pytest.fixture(scope="package")
def browser():
    """Debian's Chromium, headless, through Playwright (never a browser Playwright downloads)."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's Chromium is not installed at /usr/bin/chromium (.ci/run installs it)")
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()
    finally:
        # While Playwright's event loop runs, Django keeps its database connections per asyncio context:
        # close the ones the browser tests opened, or they would hold the test database open.
        connections.close_all()
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


class Watcher:
    """What a page did besides rendering: every request URL, uncaught errors, CSP violations."""

    def __init__(self, page):
        self.page = page
        self.requests: list[str] = []
        self.errors: list[str] = []
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def forget(self) -> None:
        self.requests.clear()
        self.errors.clear()

    def csp_violations(self) -> list[str]:
        return self.page.evaluate("window.__cspViolations || []")


def _open_page(browser, site_server, *, javascript=True, axe=False, **context_options):
    context = browser.new_context(base_url=site_server.url, java_script_enabled=javascript, **context_options)
    context.set_default_timeout(15_000)
    # A page's first render on a busy machine (two test workers, their servers and browsers on two cores)
    # can take several seconds: navigations get more time than clicks and waits.
    context.set_default_navigation_timeout(45_000)
    if javascript:
        context.add_init_script(WATCH_PAGE_JS)
        if axe:
            context.add_init_script(script=AXE_ON_PAGES_JS)
    page = context.new_page()
    page.watcher = Watcher(page)
    return context, page


def _assert_clean(page):
    """Fail the test on any CSP violation or uncaught error in its window (unless the test closed it)."""
    if page.is_closed():
        return
    violations = page.watcher.csp_violations()
    assert not violations, f"Content-Security-Policy violations: {violations}"
    assert not page.watcher.errors, f"JavaScript errors: {page.watcher.errors}"


class Windows:
    """The windows of a module's tests, one per set of options, kept open from test to test: a new window
    starts a renderer process (about 0.45 s of CPU on this machine, against 0.1 s for a visit in an open
    one). Before each test its window is made as good as new: no other tab, no cookies, no stored data of
    the site, an empty HTTP cache (a test's visits reach the server as a new window's did), its first size,
    no media emulation (print), no routes, what it watched forgotten. The last test's page stays until the
    next visit replaces it: a visit to about:blank in between cost 73 ms a test (the browser tests took
    84 s with it, 72 s without), and every test starts with a visit of its own. A window a test
    broke is replaced."""

    def __init__(self, browser, site_server):
        self.browser, self.site_server = browser, site_server
        self.open: dict[str, tuple] = {}

    def take(self, **options):
        key = repr(sorted(options.items()))
        if key in self.open:
            context, page = self.open[key]
            try:
                self._as_new(context, page)
                return page
            except Exception as error:  # noqa: BLE001 - a closed or crashed window: a new one, said
                warnings.warn(
                    f"a kept browser window could not be made new ({error}): a new window", stacklevel=2
                )
                with contextlib.suppress(Exception):
                    context.close()
        context, page = _open_page(self.browser, self.site_server, **options)
        page.first_size = dict(page.viewport_size) if page.viewport_size else None
        page.devtools = context.new_cdp_session(page)
        self.open[key] = context, page
        return page

    def _as_new(self, context, page):
        for other in context.pages:
            if other is not page:
                other.close()
        page.unroute_all()
        context.unroute_all()
        context.clear_cookies()
        context.clear_permissions()
        page.devtools.send("Network.clearBrowserCache")
        page.devtools.send(
            "Storage.clearDataForOrigin", {"origin": self.site_server.url, "storageTypes": "all"}
        )
        if page.first_size and page.viewport_size != page.first_size:
            page.set_viewport_size(page.first_size)
        page.emulate_media(media="null")
        page.watcher.forget()

    def close(self):
        for context, _ in self.open.values():
            context.close()


@pytest.fixture(scope="module")
def windows(browser, site_server):
    """The module's kept windows (`Windows`): `windows.take(**options)` for a window of other options."""
    kept = Windows(browser, site_server)
    yield kept
    kept.close()


@pytest.fixture
def page(windows):
    """A window with JavaScript on, as good as new (`Windows`). Fails the test on any CSP violation or
    uncaught error."""
    page = windows.take()
    yield page
    _assert_clean(page)


@pytest.fixture
def page_without_js(windows):
    """A window with JavaScript switched off, as on a locked-down or very old phone."""
    return windows.take(javascript=False)


@pytest.fixture
def axe_page(windows):
    """`page` with axe-core (vendored, tests/browser/vendor) loaded before the site's own scripts (axe
    itself breaks no CSP rule and throws nothing: the same checks apply). Cached CSS and JS are still
    reported as requests (the privacy check sees them)."""
    page = windows.take(axe=True)
    yield page
    _assert_clean(page)


@pytest.fixture
def phone(windows):
    """A phone-sized window (390x844, touch) whose browser prefers English, as good as new (`Windows`)."""
    page = windows.take(viewport=PHONE, has_touch=True, is_mobile=True)
    yield page
    _assert_clean(page)
