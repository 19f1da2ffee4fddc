"""Writing the open-data files: CSV (spreadsheet-safe) and JSON streamed in chunks from a dataset's rows
(opendata.py), and each file kept on disk per data version so the next download is a plain file."""

from __future__ import annotations

import contextlib
import csv
import fcntl
import hashlib
import io
import json
import logging
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.db import connection, transaction

from .opendata import Dataset

log = logging.getLogger(__name__)

CHUNK_ROWS = 500
# A formula's first character, at the start of a cell or after a semicolon or tab: a spreadsheet set to a
# language whose list separator is ";" (Spanish, much of Europe and Latin America) splits an unquoted cell
# there, and the aliases column joins names with ";" (OWASP, CSV injection).
_FORMULA_START = re.compile(r"(^|[;\t])( *)([=+\-@\t\r])")


def csv_safe(value) -> object:
    """Spreadsheet formula injection guard: where a text cell, or a part of it after ";" or a tab, starts
    with = + - @ (or a tab or carriage return), an apostrophe goes before that character."""
    if isinstance(value, str):
        return _FORMULA_START.sub(r"\1\2'\3", value)
    return value


class _Line:
    """A file-like object whose write() hands back the text, for csv.writer."""

    def write(self, value):
        return value


# A CSV file starts with UTF-8's byte-order mark: without it Excel reads the file in the computer's old
# code page and shows "MarÃ­a" for "María" (documented on /data/). Other readers skip it (Python's
# utf-8-sig, R, pandas, LibreOffice).
CSV_BOM = "\ufeff"


def csv_chunks(dataset: Dataset) -> Iterator[str]:
    writer = csv.writer(_Line())
    chunk = [CSV_BOM, writer.writerow(dataset.column_names)]
    for row in dataset.rows():
        chunk.append(writer.writerow([csv_safe(value) for value in row]))
        if len(chunk) >= CHUNK_ROWS:
            yield "".join(chunk)
            chunk = []
    yield "".join(chunk)


def json_chunks(dataset: Dataset, meta: dict) -> Iterator[str]:
    """{"dataset": ..., meta..., "columns": [...], "rows": [{...}, ...]} written piece by piece."""
    head = {"dataset": dataset.name, **meta, "columns": dataset.column_names}
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "rows": [\n'
    names = dataset.column_names
    chunk, first = [], True
    for row in dataset.rows():
        chunk.append(
            ("" if first else ",\n") + json.dumps(dict(zip(names, row, strict=True)), ensure_ascii=False)
        )
        first = False
        if len(chunk) >= CHUNK_ROWS:
            yield "".join(chunk)
            chunk = []
    chunk.append("]}\n" if first else "\n]}\n")
    yield "".join(chunk)


# A file of this download no reader has opened for this long is removed (each download touches its file):
# a file of an earlier data version, never the other language's, another release's (a rolling deploy) or
# one a worker that read the version a second later still serves.
UNUSED_FILE_SECONDS = 600
LOCK_WAIT_SECONDS = 10.0  # a build takes about a second; past this, the reader's own build goes ahead


def exported_file(name: str, version, write_chunks: Callable[[], Iterator[str]]) -> BinaryIO:
    """A generated download, open for reading: kept on disk once per data version (and machine), so that
    later downloads read a plain file.

    One worker of a machine builds it at a time (a lock file beside it; the others wait, then read what it
    wrote). It is built in one snapshot of the database (an import committing meanwhile cannot leave half
    of each list in it), written to a temporary file and moved into place (never half a file). The file is
    opened before anything is removed, so another worker's clean-up cannot take it away from this reader.
    When the disk is full or not writable, nothing is left behind and the file is built in memory instead
    (the largest is about a megabyte), under the reader's bound on queries like any page.
    """
    key = hashlib.sha256(repr((connection.settings_dict["NAME"], version)).encode()).hexdigest()[:24]
    folder = Path(settings.DATA_EXPORT_DIR)
    path = folder / f"{name}.{key}"
    with contextlib.suppress(FileNotFoundError):
        return _opened(path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with _one_build_at_a_time(folder / f".{name}.lock"):
            with contextlib.suppress(FileNotFoundError):
                return _opened(path)  # written by another worker while this one waited
            _write(folder, name, path, write_chunks)
            handle = path.open("rb")
    except OSError as error:
        log.warning("Could not write the %s download to %s (%s); building it in memory.", name, folder, error)
        with _one_snapshot():
            return io.BytesIO("".join(write_chunks()).encode())
    _remove_old(folder, name, path)
    return handle


def _opened(path: Path) -> BinaryIO:
    """The file, open, and marked as used now (its modification time: see UNUSED_FILE_SECONDS)."""
    handle = path.open("rb")
    with contextlib.suppress(OSError):
        os.utime(path)
    return handle


@contextlib.contextmanager
def _one_snapshot():
    """The block's queries read one snapshot of the database: a REPEATABLE READ, read-only transaction
    (already in a transaction, as in a test: that one)."""
    if connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def _write(folder: Path, name: str, path: Path, write_chunks: Callable[[], Iterator[str]]) -> None:
    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", dir=folder, prefix=f"{name}.", suffix=".tmp", delete=False
    ) as tmp:
        try:
            with _one_snapshot():
                for chunk in write_chunks():
                    tmp.write(chunk)
        except BaseException:  # a database error, the reader's bound cutting a query, a full disk
            tmp.close()
            Path(tmp.name).unlink(missing_ok=True)
            raise
    os.replace(tmp.name, path)


@contextlib.contextmanager
def _one_build_at_a_time(lock_path: Path):
    with lock_path.open("a") as lock:
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    log.warning(
                        "Waited %s s for another build of %s; building it here too.",
                        LOCK_WAIT_SECONDS,
                        lock_path.name,
                    )
                    yield
                    return
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _remove_old(folder: Path, name: str, path: Path) -> None:
    """Files of this download other than `path` that no reader opened for UNUSED_FILE_SECONDS, and temporary
    files left by a process killed while writing (an hour old). Other workers remove the same files: a file
    gone already is fine (a reader that has it open reads on)."""
    now = time.time()
    for old in folder.glob(f"{name}.*"):
        if old == path:
            continue
        limit = 3600 if old.name.endswith(".tmp") else UNUSED_FILE_SECONDS
        with contextlib.suppress(FileNotFoundError):
            if now - old.stat().st_mtime > limit:
                old.unlink()
