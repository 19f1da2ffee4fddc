"""Loaded by pytest before Django (pyproject.toml: `-p tests.environment`): safe defaults, so that plain
`pytest` works without `make test`. Anything set in the environment wins.

Also the garbage collector's pace, in every test process (the workers, and the shipped data's builder,
which imports this module). With Python's default (a young collection every 700 new objects), a test
process spent about an eighth of its time in collections: tests make and drop many model instances, rows
and pages, nearly none of them in cycles. The tests without the browser, their own servers or migrations
(`make test-quick`'s, two workers) took 104 s of CPU and 76.5 s with the default (two runs), 91 s and
68-70 s with this (three runs).
"""

import gc
import os
import secrets

os.environ.setdefault("SECRET_KEY", "tests-" + secrets.token_urlsafe(40))
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1,[::1]")
os.environ.setdefault("HTTPS", "0")

gc.set_threshold(100_000, 50, 1000)


def pytest_collection_finish(session):
    """What the process holds once the tests are collected (Django, the site's modules, the tests) lives as
    long as it does: out of every later collection's way."""
    gc.collect()
    gc.freeze()
