"""What the in-process benchmarks (bench/search.py, bench/render.py) set before Django starts: the project
on the import path, production settings (DEBUG off), the test client's host allowed, and the local
SECRET_KEY that `make setup` wrote."""

import os
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def configure() -> None:
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DEBUG"] = "0"
    os.environ["HTTPS"] = "0"
    os.environ["ALLOWED_HOSTS"] = "testserver"
    if not os.environ.get("SECRET_KEY"):
        os.environ["SECRET_KEY"] = (BASE_DIR / ".secret_key").read_text().strip()
