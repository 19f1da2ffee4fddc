"""The embedded PostgreSQL under `make run` (config/embedded_pg.py), in a data folder of its own:
a killed worker no longer keeps the server running after the site stops, and a server that died is
started again by the next connection attempt, without restarting the site."""

import os
import signal
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil
import pytest

from config.embedded_pg import pid_list
from tests.servers import app_server

pytestmark = pytest.mark.server


def postmaster_pid(pgdata):
    path = pgdata / "postmaster.pid"
    return int(path.read_text().split()[0]) if path.exists() else None


def running(pid):
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def wait_for(condition, seconds=30):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def healthz(server) -> int:
    try:
        with urllib.request.urlopen(server.url + "/healthz", timeout=30) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_a_killed_worker_and_a_killed_server_leave_the_embedded_database_right(tmp_path):
    pgdata = tmp_path / "pgdata"
    env = {"PGDATA_DIR": str(pgdata)}
    with app_server(tmp_path / "logs", database_url=None, workers=2, env=env) as server:
        wait_for(lambda: len(pid_list(pgdata)) == 2)  # both workers attached
        assert healthz(server) == 200
        workers = psutil.Process(server.process.pid).children()
        assert sorted(pid_list(pgdata)) == sorted(w.pid for w in workers)

        # A worker killed (as gunicorn does past its timeout) never takes its pid out of the list: the
        # next process to attach (its replacement) leaves it out, as every reading of the list does.
        workers[0].send_signal(signal.SIGKILL)
        wait_for(lambda: workers[0].pid not in [w.pid for w in psutil.Process(server.process.pid).children()])
        wait_for(lambda: len(psutil.Process(server.process.pid).children()) == 2)  # replaced
        live = [w.pid for w in psutil.Process(server.process.pid).children()]
        wait_for(lambda: sorted(pid_list(pgdata)) == sorted(live))

        # The server killed: the next request starts it again, with no restart of the site.
        first = postmaster_pid(pgdata)
        os.kill(first, signal.SIGKILL)
        wait_for(lambda: not running(first))
        # A worker's open connection to the dead server fails once (503); its next connection, and any
        # new one, starts the server again.
        statuses = [healthz(server) for _ in range(6)]
        assert set(statuses) <= {200, 503} and statuses[-2:] == [200, 200], statuses
        second = postmaster_pid(pgdata)
        assert second != first and running(second)
    # When the site stops, the last live process stops the server (the killed worker's pid once kept it up).
    wait_for(lambda: postmaster_pid(pgdata) is None or not running(postmaster_pid(pgdata)))
    assert pid_list(pgdata) == []
    assert "Traceback" not in server.logs()


@pytest.mark.django_db  # not transaction=True: a flush would empty the shipped data other tests share
def test_a_failed_statement_leaves_no_reader_data_in_the_database_log(settings):
    """A failed correction INSERT left a reader's report and e-mail address in .pgdata/log (issue 24):
    the embedded server now logs neither the statement nor its DETAIL (config/embedded_pg.PRIVATE_LOGGING).
    """
    import uuid

    from django.db import IntegrityError, connection, transaction

    from config.embedded_pg import PRIVATE_LOGGING

    if not getattr(settings, "PGDATA_DIR", None):
        pytest.skip("an external server (DATABASE_URL): its logging is set as docs/operations.md says")
    marker = f"reader-{uuid.uuid4().hex}@example.org"
    log = Path(settings.PGDATA_DIR) / "log"
    with connection.cursor() as cursor:
        for name, value in PRIVATE_LOGGING.items():
            cursor.execute(f"SHOW {name}")
            assert cursor.fetchone()[0] == value, name
        with pytest.raises(IntegrityError), transaction.atomic():
            # a row that breaks a NOT NULL constraint, with a reader's text and address in it
            cursor.execute(
                "INSERT INTO counties_correction (what_is_wrong, contact) VALUES (%s, %s)",
                [f"My report, write to {marker}", marker],
            )
        cursor.execute("SELECT pg_sleep(0.2)")  # the log is written by the server process; let it flush
    assert marker not in log.read_text(errors="replace")
