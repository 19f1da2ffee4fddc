"""Words chosen by the date: `[[when:CASES|text]]`, measured against SB 8's deadline."""

from __future__ import annotations

import re
from datetime import date, timedelta

from django.utils import timezone

WHEN_OPEN_RE = re.compile(r"\[\[when:([^\]|\\]*?)\\?\|")
DEADLINE_CASES = ("before-deadline", "on-deadline", "after-deadline")


def deadline_case(day: date | None = None) -> str:
    """Where `day` (default today) stands against SB 8's deadline: before-deadline, on-deadline or after-deadline."""
    from counties.deadline import sb8_phase

    return sb8_phase(day or timezone.localdate())


def _kept_until_the_case_changes() -> None:
    """A kept page with words chosen by today's date holds until the next day the choice can change."""
    from counties import pagecache
    from counties.deadline import sb8_valid_until

    until = sb8_valid_until(timezone.localdate())
    if until:
        pagecache.valid_until(until)


def deadline_days() -> dict[str, date]:
    """One day in each case, for checks that must see every version of a page."""
    from counties.deadline import SB8_DEADLINE

    return {
        "before-deadline": SB8_DEADLINE - timedelta(days=1),
        "on-deadline": SB8_DEADLINE,
        "after-deadline": SB8_DEADLINE + timedelta(days=1),
    }


def _closing(text: str, start: int) -> int | None:
    """Index of the `]]` (its first `]`) that balances a `[[` opened just before `start`, or None."""
    depth, i = 2, start
    while i < len(text):
        char = text[i]
        if char == "\\":
            i += 2
            continue
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
            if depth == 0:
                return i - 1 if text[i - 1] == "]" and i - 1 >= start else None
        i += 1
    return None


def choose_by_date(text: str, day: date | None, errors: list) -> str:
    """Keep or drop each `[[when:CASES|text]]` by `day`'s place against SB 8's deadline (default today).

    Plain text in, plain text out: what is kept goes on to Markdown (or into the description), so it is
    escaped like the rest of the page. A mistake is added to `errors` and shown as a visible "[?]".
    """
    if "[[when" not in text:
        return text
    if day is None:
        _kept_until_the_case_changes()
    case = deadline_case(day)
    out, pos = [], 0
    for match in WHEN_OPEN_RE.finditer(text):
        if match.start() < pos:
            continue  # inside a construct already handled (nested ones are chosen below)
        out.append(text[pos : match.start()])
        cases = [c.strip() for c in match.group(1).split(",")]
        end = _closing(text, match.end())
        if end is None:
            errors.append(f"[[when:{match.group(1)}|…]] has no closing ]] (or its brackets do not balance)")
            out.append("[?]")
            pos = match.end()
            continue
        pos = end + 2
        unknown = [c for c in cases if c not in DEADLINE_CASES]
        if unknown or not cases:
            errors.append(f"unknown case in [[when:{match.group(1)}|…]] (use {', '.join(DEADLINE_CASES)})")
            out.append("[?]")
            continue
        if case in cases:
            out.append(choose_by_date(text[match.end() : end], day, errors))
    out.append(text[pos:])
    result = "".join(out)
    if "[[when" in result:
        errors.append("not understood: '[[when' (write [[when:CASES|text]])")
    return result
