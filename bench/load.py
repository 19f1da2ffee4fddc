"""`make bench-load`: how long a fresh machine takes to migrate and load all the shipped data.

Starts a new embedded PostgreSQL in a temporary folder (nothing shared with .pgdata/), then times, each as
its own process, as `make run` does them: `migrate`, `load_shipped_data` on the empty database (reference
data and all 328 ICE lists), and `load_shipped_data` again (the no-op of every later start). Prints a
Markdown table and writes bench-results/load.json. Budget (issue 12): migrate + full load under 60 s on
this machine when it is otherwise idle.
"""

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
BUDGET_SECONDS = 60


def timed(args, env) -> dict:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    result = subprocess.run(  # noqa: S603 - our own fixed command
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {
        "wall_s": round(wall, 1),
        "cpu_s": round(cpu, 1),
        "output": result.stdout.strip().splitlines()[-1:],
    }


def main():
    folder = Path(tempfile.mkdtemp(prefix="bench-load-"))
    env = {
        **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        "PGDATA_DIR": str(folder / "pgdata"),
        "DEBUG": "1",
    }
    try:
        rows = {
            "migrate (empty database)": timed(["migrate", "--noinput", "-v", "0"], env),
            "load_shipped_data (reference data + 328 ICE lists)": timed(["load_shipped_data"], env),
            "load_shipped_data again (no-op)": timed(["load_shipped_data"], env),
        }
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    total = (
        rows["migrate (empty database)"]["wall_s"]
        + rows["load_shipped_data (reference data + 328 ICE lists)"]["wall_s"]
    )
    load_average = os.getloadavg()[0]
    print("| step | wall s | CPU s |\n|---|---:|---:|")
    for name, row in rows.items():
        print(f"| {name} | {row['wall_s']} | {row['cpu_s']} |")
    print(
        f"\nMigrate + full load: {total:.1f} s (budget {BUDGET_SECONDS} s); load average {load_average:.2f} at the end."
    )
    out = BASE_DIR / "bench-results"
    out.mkdir(exist_ok=True)
    (out / "load.json").write_text(
        json.dumps(
            {"steps": rows, "migrate_and_load_s": round(total, 1), "load_average": load_average}, indent=2
        )
    )
    if total > BUDGET_SECONDS:
        sys.exit(f"over budget: {total:.1f} s > {BUDGET_SECONDS} s")


if __name__ == "__main__":
    main()
