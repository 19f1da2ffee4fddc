"""Two writers at once: two confirmations of the same upload, two imports of ICE's list.

Each test commits (two threads, each with its own database connection, as two web workers, two servers
or two commands would), so the database is emptied afterwards (tests/conftest.py, `committed`).
"""

import io
import threading
import time

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from counties.importers.ice import IMPORT_LOCK, lock_imports
from counties.models import PendingUpload, Snapshot
from tests.counties.workbooks import texas_counties, tf, workbook
from tests.editors import login_with_second_factor

pytestmark = pytest.mark.usefixtures("committed")

ROWS = [tf(f"Agency {i} Police Department") for i in range(20)]


def start_together(*functions):
    """Start every function at the same moment, each in its own thread (and database connection)."""
    barrier = threading.Barrier(len(functions))
    results: list = [None] * len(functions)

    def run(index, function):
        try:
            barrier.wait()
            results[index] = ("ok", function())
        except BaseException as error:  # noqa: BLE001 - handed back to the test
            results[index] = ("error", error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, f)) for i, f in enumerate(functions)]
    for thread in threads:
        thread.start()
    return threads, results


def finish(started, timeout=60):
    """[("ok", value) or ("error", exception)] for each function, once all have ended."""
    threads, results = started
    for thread in threads:
        thread.join(timeout)
    return results


def run_together(*functions):
    return finish(start_together(*functions))


def waiting_for_the_import_lock() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = %s AND NOT granted",
            [IMPORT_LOCK],
        )
        return cursor.fetchone()[0]


def wait_for(condition, seconds=30):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_two_confirmations_of_one_upload_import_it_once_and_tell_the_second(tmp_path):
    """The same preview confirmed twice at the same moment (two tabs, or two servers behind a load
    balancer): one import, a clear message for the other, no error page, nothing left waiting."""
    texas_counties()
    editor = User.objects.create_user("two-tabs", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editor"))
    first, second = Client(), Client()
    for client in (first, second):
        login_with_second_factor(client, editor)
    preview = first.post(
        reverse("admin:counties_snapshot_upload"),
        {"workbook": SimpleUploadedFile("participating-2026-11-11.xlsx", workbook(ROWS))},
    )
    token = preview.context["token"]

    def confirm(client):
        return client.post(reverse("admin:counties_snapshot_confirm"), {"token": token}, follow=True)

    results = run_together(lambda: confirm(first), lambda: confirm(second))
    assert [kind for kind, _ in results] == ["ok", "ok"], results
    pages = [response for _, response in results]
    assert all(response.status_code == 200 for response in pages)
    # (Read from each page: captured template contexts are shared between the test's threads.)
    landed = sorted((response.redirect_chain[-1][0], response.content.decode()) for response in pages)
    assert [where for where, _page in landed] == [
        reverse("admin:counties_snapshot_changelist"),
        reverse("admin:counties_snapshot_upload"),
    ]
    assert "Imported ICE&#x27;s list of 2026-11-11" in landed[0][1]
    assert "Nothing was imported: This preview is no longer waiting" in landed[1][1]
    assert Snapshot.objects.filter(as_of="2026-11-11").count() == 1
    assert not PendingUpload.objects.exists()


def test_two_imports_of_the_same_list_at_once(tmp_path):
    """Two import_ice_287g runs at once: one waits for the other, is told so, then finds it done."""
    texas_counties()
    path = tmp_path / "participating-2026-11-11.xlsx"
    path.write_bytes(workbook(ROWS))

    def command():
        out, err = io.StringIO(), io.StringIO()
        call_command("import_ice_287g", str(path), stdout=out, stderr=err)
        return out.getvalue(), err.getvalue()

    with transaction.atomic():
        lock_imports()  # an import already running: both commands have to wait for it
        threads = start_together(command, command)
        wait_for(lambda: waiting_for_the_import_lock() == 2)
    results = finish(threads)
    assert [kind for kind, _ in results] == ["ok", "ok"], results
    outputs = sorted(results, key=lambda r: "already imported" in r[1][0])
    (imported, _), (already, waited) = (value for _kind, value in outputs)
    assert "rows read: 20" in imported
    assert "already imported as the ICE list of 2026-11-11; nothing changed" in already
    assert "Another import of ICE's lists is running" in waited
    assert all("waiting for it to finish" in err for _kind, (_out, err) in results)
    assert Snapshot.objects.count() == 1


def test_two_imports_of_two_lists_of_the_same_day_at_once(tmp_path):
    """The loser's message says what to do, as a command error (no traceback)."""
    texas_counties()
    one = tmp_path / "participating-2026-11-11.xlsx"
    other = tmp_path / "copy-participating-2026-11-11.xlsx"
    one.write_bytes(workbook(ROWS))
    other.write_bytes(workbook([*ROWS, tf("One More Police Department")]))

    def command(path):
        call_command("import_ice_287g", str(path), stdout=io.StringIO(), stderr=io.StringIO())

    results = run_together(lambda: command(one), lambda: command(other))
    errors = [value for kind, value in results if kind == "error"]
    assert len(errors) == 1 and isinstance(errors[0], CommandError), results
    assert "A different ICE list dated 2026-11-11 is already imported" in str(errors[0])
    assert Snapshot.objects.count() == 1
