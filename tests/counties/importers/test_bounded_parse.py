"""A hostile workbook is read with a memory and time bound, in a child process (importers/bounded.py):
refused with a message for the editor in seconds, while the web worker does not grow."""

import resource
from pathlib import Path

import pytest

from counties.importers import bounded
from counties.importers.bounded import parse_bounded
from counties.importers.lists import WorkbookError, parse_list
from tests.counties import hostile

REAL = Path(__file__).resolve().parents[3] / "fixtures/ice287g/participating/participating-2026-05-18.xlsx"


def reset_peak_rss() -> None:
    """Start counting this process's peak memory again from now (Linux: VmHWM)."""
    Path("/proc/self/clear_refs").write_text("5")


def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def test_in_this_process_the_shared_strings_file_would_cost_hundreds_of_megabytes():
    """Why the child: within every limit workbook.py checks, this 40 KB file costs about 270 MB."""
    data = hostile.million_shared_strings()
    reset_peak_rss()
    before = peak_rss_mb()
    assert len(parse_list(data).rows) == 3
    assert peak_rss_mb() - before > 150


def test_a_real_list_reads_the_same_as_in_process():
    data = REAL.read_bytes()
    assert parse_bounded(data) == parse_list(data)


@pytest.mark.parametrize(("build", "message"), hostile.BOMBS)
def test_a_hostile_workbook_is_refused_in_seconds_and_the_worker_does_not_grow(build, message):
    data = build()
    assert len(data) < 1_000_000
    reset_peak_rss()
    before = peak_rss_mb()
    started = hostile.children_cpu_seconds()
    with pytest.raises(WorkbookError, match=message):
        parse_bounded(data)
    # Refused by a check, in seconds of the child's own CPU (not of the clock, which a busy machine
    # stretches): the 50,000-row file once took 16.8 s to be refused.
    assert hostile.children_cpu_seconds() - started < 5
    assert peak_rss_mb() - before < 20  # what the child used stayed in the child


def test_a_workbook_that_takes_too_long_is_stopped(monkeypatch):
    with pytest.raises(WorkbookError, match="far more time"):
        parse_bounded(hostile.many_rows(15_000), seconds=0.05)


def test_the_child_really_is_bounded(monkeypatch):
    """A limit below what Python itself needs: the child fails, the caller gets the message."""
    with pytest.raises(WorkbookError, match="far more memory"):
        parse_bounded(REAL.read_bytes(), memory_bytes=8 * 1024 * 1024)
    assert bounded.PARSE_MEMORY_BYTES <= 200 * 1024 * 1024
