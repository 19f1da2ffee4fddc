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
from django.db import connection

from ..pagecache import read_data_version
from .opendata import Dataset

log = logging.getLogger(__name__)

CHUNK_ROWS = 500
# A formula's first character, at the start of a cell or after a semicolon, tab or line break: a spreadsheet
# set to a language whose list separator is ";" (Spanish, much of Europe and Latin America) splits an
# unquoted cell there (the aliases column joins names with ";"), one that reads tabs at a tab, and one that
# does not read the quotes a cell with a line break is in at the line break (OWASP, CSV injection).
_FORMULA_START = re.compile(r"(?:^|(?<=[;\t\r\n]))( *)(?=[=+\-@\t\r])")


def csv_safe(value) -> object:
    """Spreadsheet formula injection guard: where a text cell, or a part of it after ";", a tab or a line
    break, starts with = + - @ (or a tab or carriage return), an apostrophe goes before that character."""
    if isinstance(value, str):
        return _FORMULA_START.sub(r"\1'", value)
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
# A build takes about a second; past this, the reader's own build goes ahead. Short: a reader waiting here
# holds one of its server's threads, and with the database paused the holder's build is cut only after the
# reader's bound (4 s a query), then each waiter's own build too.
LOCK_WAIT_SECONDS = 5.0
BUILD_ATTEMPTS = 3  # an import committed while the rows were read: built again


class _ChangedWhileRead(Exception):
    """The data version moved while the rows were read: they may come from two versions of the data."""


def exported_file(name: str, version, write_chunks: Callable[[], Iterator[str]]) -> BinaryIO:
    """A generated download, open for reading: kept on disk once per data version (and machine), so that
    later downloads read a plain file.

    One worker of a machine builds it at a time (a lock file beside it; the others wait, then read what it
    wrote). The data version is read before and after the rows: when an import committed in between, the
    rows may mix two lists, and the file is built again. It is written to a temporary file and moved into
    place (never half a file), and opened before anything is removed, so another worker's clean-up cannot
    take it away from this reader. Every query is an ordinary one, under the reader's bound (no
    transaction is held open, and the rows are read in pages, opendata._pages: a COMMIT and a server-side
    cursor's fetches would not be under it). When the disk is full or not writable, nothing is left behind
    and the file is built in memory instead (the largest is about a megabyte).
    """
    key = hashlib.sha256(repr((connection.settings_dict["NAME"], version)).encode()).hexdigest()[:24]
    folder = Path(settings.DATA_EXPORT_DIR)
    path = folder / f"{name}.{key}"
    try:
        with contextlib.suppress(FileNotFoundError):
            return _opened(path)
        folder.mkdir(parents=True, exist_ok=True)
        with _one_build_at_a_time(folder / f".{name}.lock"):
            with contextlib.suppress(FileNotFoundError):
                return _opened(path)  # written by another worker while this one waited
            _write(folder, name, path, write_chunks)
            handle = _opened(path)
    except OSError as error:
        log.warning("Could not write the %s download to %s (%s); building it in memory.", name, folder, error)
        return io.BytesIO(_built(write_chunks))
    with contextlib.suppress(OSError):  # a clean-up that fails now is done by the next build
        _remove_old(folder, name, path)
    return handle


def _opened(path: Path) -> BinaryIO:
    """The file, open, and marked as used now (its modification time: see UNUSED_FILE_SECONDS)."""
    handle = path.open("rb")
    with contextlib.suppress(OSError):
        os.utime(path)
    return handle


def _read_in_one_version(write_chunks: Callable[[], Iterator[str]]) -> Iterator[str]:
    before = read_data_version()
    yield from write_chunks()
    if read_data_version() != before:
        raise _ChangedWhileRead


def _built(write_chunks: Callable[[], Iterator[str]]) -> bytes:
    for _attempt in range(BUILD_ATTEMPTS - 1):
        with contextlib.suppress(_ChangedWhileRead):
            return "".join(_read_in_one_version(write_chunks)).encode()
    return "".join(write_chunks()).encode()  # two imports in a row, each during a read: as it is now


def _write(folder: Path, name: str, path: Path, write_chunks: Callable[[], Iterator[str]]) -> None:
    for attempt in range(BUILD_ATTEMPTS):
        chunks = _read_in_one_version(write_chunks) if attempt < BUILD_ATTEMPTS - 1 else write_chunks()
        with contextlib.suppress(_ChangedWhileRead):
            _write_once(folder, name, path, chunks)
            return


def _write_once(folder: Path, name: str, path: Path, chunks: Iterator[str]) -> None:
    """The chunks into a temporary file, moved into place when whole. On any failure (a database error,
    the reader's bound cutting a query, a full disk, also while the last bytes are flushed) the temporary
    file is removed."""
    tmp_path = None
    try:
        with (
            contextlib.closing(chunks),
            tempfile.NamedTemporaryFile(
                "w", encoding="utf-8", dir=folder, prefix=f"{name}.", suffix=".tmp", delete=False
            ) as tmp,
        ):
            tmp_path = Path(tmp.name)
            for chunk in chunks:
                tmp.write(chunk)
        os.replace(tmp_path, path)
    except BaseException:
        if tmp_path is not None:
            with contextlib.suppress(OSError):
                tmp_path.unlink()
        raise


@contextlib.contextmanager
def _one_build_at_a_time(lock_path: Path):
    """An exclusive lock on `lock_path` (flock: each open of the file is its own, so threads of one worker
    exclude each other too, on a local disk), waited for LOCK_WAIT_SECONDS at most."""
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
