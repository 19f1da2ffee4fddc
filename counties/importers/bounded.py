"""Read an uploaded or downloaded workbook in a child process with a memory and a time bound.

    parsed = parse_bounded(data)   # the same ParsedList as parse_list(data), or WorkbookError

workbook.py checks the archive, its parts' sizes, the sheet's dimension and a row cap before and while
it reads, but a file within those limits can still be costly: a 16 MB sharedStrings part of tiny strings
(a few hundred KB zipped) builds about a million XML elements. So a file that did not come with the site
is read first by `python -m counties.importers.bounded` with its address space capped (RLIMIT_AS,
PARSE_MEMORY_BYTES) and a wall-clock and CPU timeout (PARSE_SECONDS). A file that needs more is refused
with a message for the editor, and the web worker never grew; a file that passes is known to parse within
those bounds, so the import that follows (in the worker, the same code on the same bytes) stays within
them too. The child gets the bytes on stdin and answers JSON on stdout (never pickle: it has just read a
hostile file), and imports no Django.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

from .lists import ParsedList, WorkbookError, parse_list

# ICE's newest list parses in 34 MB of address space (Python itself is 25 MB) and 0.15 s.
PARSE_MEMORY_BYTES = 200 * 1024 * 1024
PARSE_SECONDS = 10.0
PROJECT_DIR = Path(__file__).resolve().parents[2]

TOO_COSTLY = (
    "This file needs far more {what} to read than ICE's list ever has (it is refused, not imported). "
    "Download the file from ICE again and upload it as is."
)


def parse_bounded(data: bytes, *, memory_bytes: int = PARSE_MEMORY_BYTES, seconds: float = PARSE_SECONDS):
    command = [sys.executable, "-m", "counties.importers.bounded", str(memory_bytes), str(int(seconds) + 1)]
    try:
        child = subprocess.run(  # noqa: S603 - our own module, the bytes go to stdin
            command, input=data, capture_output=True, timeout=seconds, cwd=PROJECT_DIR, check=False
        )
    except subprocess.TimeoutExpired as error:
        raise WorkbookError(TOO_COSTLY.format(what="time")) from error
    try:
        answer = json.loads(child.stdout)
    except ValueError:
        answer = {}
    if "error" in answer:
        raise WorkbookError(answer["error"])
    if child.returncode != 0 or "kind" not in answer:
        # Killed by the CPU limit, or out of memory outside Python's reach.
        raise WorkbookError(TOO_COSTLY.format(what="memory or time"))
    return ParsedList(kind=answer["kind"], headers=answer["headers"], rows=answer["rows"])


def _child(memory_bytes: int, cpu_seconds: int) -> int:
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))
    data = sys.stdin.buffer.read()
    try:
        parsed = parse_list(data)
        answer = {"kind": parsed.kind, "headers": parsed.headers, "rows": parsed.rows}
    except WorkbookError as error:
        answer = {"error": str(error)}
    except MemoryError:
        answer = {"error": TOO_COSTLY.format(what="memory")}
    except Exception:  # noqa: BLE001 - any other failure on a hostile file is "unreadable"
        answer = {
            "error": "The workbook could not be read. Download the file from ICE again and upload it as is."
        }
    try:
        sys.stdout.write(json.dumps(answer, separators=(",", ":")))
        sys.stdout.flush()
    except MemoryError:
        os._exit(3)
    return 0


if __name__ == "__main__":
    sys.exit(_child(int(sys.argv[1]), int(sys.argv[2])))
