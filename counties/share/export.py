"""Writing the open-data files: CSV (spreadsheet-safe) and JSON streamed in chunks from a dataset's rows
(opendata.py), and each file kept on disk per data version so the next download is a plain file."""

from __future__ import annotations

import csv
import hashlib
import json
import logging
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.db import connection

from .opendata import Dataset

log = logging.getLogger(__name__)

CHUNK_ROWS = 500
CSV_UNSAFE_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value) -> object:
    """Spreadsheet formula injection guard: a text cell starting with = + - @ gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(CSV_UNSAFE_START):
        return "'" + value
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


def exported_file(name: str, version, write_chunks) -> Path | None:
    """A generated download kept on disk once per data version, so it streams from a file afterwards.

    The file is written chunk by chunk to a temporary file and moved into place (atomic, so concurrent
    workers never serve half a file); files of older versions of the same download are removed. When the
    disk is full or not writable, nothing is left behind and None is returned: the caller streams the
    file as it is built instead.
    """
    key = hashlib.sha256(repr((connection.settings_dict["NAME"], version)).encode()).hexdigest()[:24]
    folder = Path(settings.DATA_EXPORT_DIR)
    path = folder / f"{name}.{key}"
    if path.exists():
        return path
    tmp_name = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=folder, delete=False, suffix=".tmp"
        ) as tmp:
            tmp_name = tmp.name
            for chunk in write_chunks():
                tmp.write(chunk)
        os.replace(tmp_name, path)
    except OSError as error:
        log.warning("Could not write the %s download to %s (%s); streaming it instead.", name, folder, error)
        if tmp_name:
            Path(tmp_name).unlink(missing_ok=True)
        return None
    for old in folder.glob(f"{name}.*"):
        if old != path and not old.name.endswith(".tmp"):
            old.unlink(missing_ok=True)
    for stale in folder.glob(f"{name}.*.tmp"):  # left by a process killed while writing, over an hour ago
        if time.time() - stale.stat().st_mtime > 3600:
            stale.unlink(missing_ok=True)
    return path
