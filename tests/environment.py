"""Loaded by pytest before Django (pyproject.toml: `-p tests.environment`): safe defaults, so that plain
`pytest` works without `make test`. Anything set in the environment wins."""

import os
import secrets

os.environ.setdefault("SECRET_KEY", "tests-" + secrets.token_urlsafe(40))
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1,[::1]")
os.environ.setdefault("HTTPS", "0")
