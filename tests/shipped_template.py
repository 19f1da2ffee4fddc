"""The shipped data, built once per test run and cloned into each worker's database (issue 25).

Loading the shipped data (every county, ZIP code and place, and the window of ICE's lists) costs about 15 s;
with a worker per core each paid it, at the same time, on two cores. Now the run's controller starts one
builder process as the run begins (`python -m tests.shipped_template NAME`): it migrates a database of its
own, loads the data into it and renames it to NAME, which is the sign that it is ready. The workers run
their tests on an empty database meanwhile; the first test that asks for `shipped` replaces the worker's
database with a copy of NAME (`CREATE DATABASE ... TEMPLATE`, a file copy, about a second). Without
workers (`-n 0`) nothing is built and the data is loaded in place, as before.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[1]
PREFIX = "test_shipped_template_"
WAIT_SECONDS = 600  # the builder on a busy machine; past this the worker says so and fails


def template_name() -> str:
    return f"{PREFIX}{os.getpid()}"


def _quote(name: str) -> str:
    from django.db import connection

    return connection.ops.quote_name(name)


def _databases(cursor, like: str) -> list[str]:
    cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", [like])
    return [row[0] for row in cursor.fetchall()]


def drop_templates(only: str | None = None) -> None:
    """Drop this run's template (or, as a run starts, what a killed run left behind)."""
    from django.db import connection

    with connection._nodb_cursor() as cursor:
        for name in _databases(cursor, (only or PREFIX) + "%"):
            cursor.execute(f"DROP DATABASE IF EXISTS {_quote(name)} WITH (FORCE)")


def start_builder(name: str, log: Path) -> subprocess.Popen:
    """The builder, in the background; its output goes to `log`, which a waiting worker shows if it fails."""
    with log.open("wb") as out:
        return subprocess.Popen(  # noqa: S603 - this file, with this interpreter
            [sys.executable, "-m", "tests.shipped_template", name, str(log)],
            cwd=BASE_DIR,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def clone_into_this_database(name: str, log: Path) -> None:
    """Wait for the template, then make this worker's database a copy of it (connections closed first)."""
    from django.db import connection, connections

    deadline = time.monotonic() + WAIT_SECONDS
    with connection._nodb_cursor() as cursor:
        while not _databases(cursor, name):
            failed = log.with_suffix(".failed")
            if failed.exists() or time.monotonic() > deadline:
                raise RuntimeError(f"the shipped data's template was not built:\n{log.read_text()[-4000:]}")
            time.sleep(0.2)
    own = connection.settings_dict["NAME"]
    connections.close_all()
    with connection._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE {_quote(own)} WITH (FORCE)")
        cursor.execute(f"CREATE DATABASE {_quote(own)} TEMPLATE {_quote(name)}")


def build(name: str, log: Path) -> None:
    """Migrate a new database, load the shipped window into it, then rename it to `name` (ready)."""
    import tests.environment  # noqa: F401 - the same settings as the tests'

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.conf import settings

    building = f"{name}_building"
    settings.DATABASES["default"]["NAME"] = building  # before the first connection is made
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from tests.conftest import shipped_window

    try:
        with connection._nodb_cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {_quote(building)}")
        call_command("migrate", interactive=False, verbosity=0)
        from counties.importers.shipped import load_shipped_data

        load_shipped_data(lists=shipped_window())
        connection.close()
        with connection._nodb_cursor() as cursor:
            cursor.execute(f"ALTER DATABASE {_quote(building)} RENAME TO {_quote(name)}")
    except BaseException:
        log.with_suffix(".failed").touch()
        raise


if __name__ == "__main__":
    build(sys.argv[1], Path(sys.argv[2]))
