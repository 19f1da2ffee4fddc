"""Two app servers starting at once on an empty database load the shipped data once: the second waits
for the first's import lock (counties/importers/shipped.py), then finds everything there."""

import json
import os
import subprocess
import sys
from datetime import date

import pytest
from django.db import connection

from counties.importers.shipped import shipped_lists
from counties.models import County, ReferenceLoad, Snapshot
from tests.servers import BASE_DIR, database_url

pytestmark = [pytest.mark.server, pytest.mark.usefixtures("committed")]

# What `make run` does on each server (manage.py load_shipped_data), on two small lists to be quick.
LOAD = """
import json, sys
import django
django.setup()
from counties.importers.shipped import load_shipped_data, shipped_lists
wanted = set(sys.argv[1:])
print("ready", flush=True)
sys.stdin.readline()  # both start loading at the same moment
report = load_shipped_data(lists=[e for e in shipped_lists() if e.sha256 in wanted])
print(json.dumps({"reference": report.reference, "lists_added": report.lists_added}), flush=True)
"""


WANTED = {("participating", date(2021, 1, 13)), ("pending", date(2025, 2, 21))}


def test_two_servers_starting_at_once_load_the_shipped_data_once():
    assert not County.objects.exists()
    lists = [e for e in shipped_lists() if (e.kind, e.as_of) in WANTED]
    assert len(lists) == 2
    env = {
        **os.environ,
        "DATABASE_URL": database_url(connection.settings_dict),
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    command = [sys.executable, "-c", LOAD, *(e.sha256 for e in lists)]
    servers = [
        subprocess.Popen(  # noqa: S603 - our own script
            command, cwd=BASE_DIR, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    for server in servers:
        assert server.stdout.readline().strip() == "ready"
    for server in servers:
        server.stdin.write("go\n")
        server.stdin.flush()
    reports = []
    for server in servers:
        out, _ = server.communicate(timeout=300)
        assert server.returncode == 0
        reports.append(json.loads(out.strip().splitlines()[-1]))
    loaded = [r for r in reports if r["reference"]]
    assert len(loaded) == 1, reports  # one loaded everything ...
    assert loaded[0]["lists_added"] == 2
    assert [r for r in reports if not r["reference"]] == [{"reference": "", "lists_added": 0}]  # ... once
    assert ReferenceLoad.objects.count() == 1
    assert Snapshot.objects.count() == 2
    assert County.objects.count() > 3000
