"""Loaded by pytest before Django (pyproject.toml: `-p tests.environment`): safe defaults, so that plain
`pytest` works without `make test`. Anything set in the environment wins.

Also the garbage collector's pace, in every test process (the workers, and the shipped data's builder,
which imports this module; not the site servers the tests start, which run as in production). With
Python's default (a young collection every 700 new objects) a worker ran 10,503 young, 954 middle and 54
full collections in a run and spent about an eighth of its time in them: tests make and drop model
instances, rows and pages by the million, nearly none of them in cycles. Now a young collection comes every
100,000 new objects, a middle one every 10 young ones and a full one every 10 middle ones (none or one
a run). The whole suite: 163 s with the default, 149 s with this; the workers' peak memory 442 and 320 MB,
498 and 316 MB (docs/performance.md).
"""

import gc
import os
import secrets

os.environ.setdefault("SECRET_KEY", "tests-" + secrets.token_urlsafe(40))
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1,[::1]")
os.environ.setdefault("HTTPS", "0")

gc.set_threshold(100_000, 10, 10)
