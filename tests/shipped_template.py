"""The shipped data, built once per test run and copied into each worker's database (issue 25).

Loading the shipped data (every county, ZIP code and place, and the window of ICE's lists) costs about 15 s;
with a worker per core each paid it, at the same time, on two cores. Now the run's controller starts one
builder process as the run begins (`python -m tests.shipped_template NAME LOG`): it migrates a database of
its own and copies it, empty, as NAME_migrated (each worker's test database is made from that copy instead
of running the migrations itself: three processes migrating at once on two cores took 5 to 7 s), loads the
data into it, checks that the load left the planner's statistics, and renames it to NAME, which is the sign
that it is ready. The workers run their tests on an empty database meanwhile; the
first test that asks for `shipped` replaces the worker's database with a copy of NAME (`CREATE DATABASE ...
TEMPLATE`, a file copy, about a second). Without workers (`-n 0`) nothing is built and the data is loaded
in place, as before; so is a worker's data after a transactional test emptied it (the site server of the
browser tests may hold connections to the database then, so it is not replaced).
"""

import os
import subprocess
import sys
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

import psutil

BASE_DIR = Path(__file__).resolve().parents[1]
PREFIX = "test_shipped_template_"
BUILDING, MIGRATED = "_building", "_migrated"
WAIT_SECONDS = 600  # the builder on a very busy machine; it usually takes 15-20 s
# Tables the first searches and pages read with joins; without statistics a query planned on an "empty"
# table ran for minutes (counties/importers/reference.py, analyze).
ANALYZED = [
    "counties_zipcode",
    "counties_zipcounty",
    "counties_place",
    "counties_agency",
    "counties_agreement",
]


@dataclass(frozen=True)
class Template:
    """What the workers are told (through xdist's workerinput, as a list)."""

    name: str
    log: Path
    builder_pid: int

    @property
    def migrated(self) -> str:
        """The database as the migrations leave it, empty: what each worker's test database is made from."""
        return f"{self.name}{MIGRATED}"

    def as_input(self) -> list:
        return [self.name, str(self.log), self.builder_pid]

    @classmethod
    def from_input(cls, value) -> "Template | None":
        return cls(value[0], Path(value[1]), value[2]) if value else None


def _quote(name: str) -> str:
    from django.db import connection

    return connection.ops.quote_name(name)


def _exists(cursor, name: str) -> bool:
    cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
    return cursor.fetchone() is not None


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def drop(name: str) -> None:
    """Drop a template, its half-built database and its empty copy."""
    from django.db import connection

    with connection._nodb_cursor() as cursor:
        for each in (name, f"{name}{BUILDING}", f"{name}{MIGRATED}"):
            cursor.execute(f"DROP DATABASE IF EXISTS {_quote(each)} WITH (FORCE)")


def drop_left_behind() -> None:
    """As a run starts: the templates of runs that were killed (their controller's pid is gone)."""
    from django.db import connection

    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT datname FROM pg_database WHERE starts_with(datname, %s)", [PREFIX])
        names = [row[0] for row in cursor.fetchall()]
    for name in names:
        pid = name.removeprefix(PREFIX).removesuffix(BUILDING).removesuffix(MIGRATED)
        if pid.isdigit() and not _alive(int(pid)):
            drop(PREFIX + pid)


def start(log_dir: Path) -> tuple[Template, subprocess.Popen]:
    """The builder, in the background; its output goes to a log a waiting worker shows if it fails."""
    name = f"{PREFIX}{os.getpid()}"
    log = log_dir / "build.log"
    with log.open("wb") as out:
        builder = subprocess.Popen(  # noqa: S603 - this file, with this interpreter
            [sys.executable, "-m", "tests.shipped_template", name, str(log)],
            cwd=BASE_DIR,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    return Template(name, log, builder.pid), builder


def wait_for(template: Template, name: str) -> None:
    """Until the builder has made database `name`; its log in the error if it died first."""
    from django.db import connection

    deadline = time.monotonic() + WAIT_SECONDS
    with connection._nodb_cursor() as cursor:
        while not _exists(cursor, name):
            if not _alive(template.builder_pid) or time.monotonic() > deadline:
                time.sleep(0.5)  # the builder's last words reach its log
                if _exists(cursor, name):
                    break
                log = template.log.read_text(errors="replace")[-4000:] if template.log.exists() else ""
                raise RuntimeError(f"the tests' template {name} was not built; the builder's log:\n{log}")
            time.sleep(0.1)


def clone_into_this_database(template: Template) -> None:
    """Wait for the template, then make this worker's database a copy of it (its connections closed)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, connections

    wait_for(template, template.name)
    own = connection.settings_dict["NAME"]
    copy = f"{own}_copy"
    connections.close_all()
    with (
        connection._nodb_cursor() as cursor
    ):  # made beside it first: a failed copy leaves the database as it was
        cursor.execute(f"DROP DATABASE IF EXISTS {_quote(copy)}")
        cursor.execute(f"CREATE DATABASE {_quote(copy)} TEMPLATE {_quote(template.name)}")
        cursor.execute(f"DROP DATABASE {_quote(own)} WITH (FORCE)")
        cursor.execute(f"ALTER DATABASE {_quote(copy)} RENAME TO {_quote(own)}")
    ContentType.objects.clear_cache()  # ids of the copy, not those a flush made earlier in this worker


def build(name: str) -> None:
    """Migrate a new database, load the shipped window into it, check its statistics, then rename it."""
    import tests.environment  # noqa: F401 - the same settings as the tests'

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.conf import settings

    building = f"{name}{BUILDING}"
    settings.DATABASES["default"]["NAME"] = building  # before the first connection is made
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from counties.importers.shipped import load_shipped_data
    from tests.conftest import shipped_window

    with connection._nodb_cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {_quote(building)}")
    call_command("migrate", interactive=False, verbosity=0)
    connection.close()  # a database is copied with nobody connected to it
    with connection._nodb_cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {_quote(name + MIGRATED)} TEMPLATE {_quote(building)}")
    load_shipped_data(lists=shipped_window())
    # A copy of a database has its planner statistics (pg_stats) but not pg_stat_user_tables.last_analyze:
    # here, where the load ran, is where to check that it analyzed what it wrote.
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname FROM pg_stat_user_tables WHERE last_analyze IS NOT NULL")
        missing = set(ANALYZED) - {row[0] for row in cursor.fetchall()}
    if missing:
        raise RuntimeError(f"load_shipped_data left these tables without statistics: {sorted(missing)}")
    connection.close()
    with connection._nodb_cursor() as cursor:
        cursor.execute(f"ALTER DATABASE {_quote(building)} RENAME TO {_quote(name)}")


if __name__ == "__main__":
    try:
        build(sys.argv[1])
    except BaseException:
        traceback.print_exc()
        sys.stdout.flush()
        sys.exit(1)
