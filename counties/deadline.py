"""Texas SB 8's deadline, and where a day stands against it: the words that depend on the date are chosen
by the phase, and a kept page knows until when its words hold (sb8_valid_until)."""

from datetime import date, timedelta

# Texas SB 8's deadline, as reported (FACTS.md c11, c12, h4): the stored copies of the enrolled text stop
# before the section that sets it, so pages say "as reported".
SB8_DEADLINE = date(2026, 12, 1)


class Phase:
    """Where a day stands against SB 8's deadline; words that depend on the date are chosen by it."""

    BEFORE = "before-deadline"
    ON = "on-deadline"
    AFTER = "after-deadline"

    ALL = [BEFORE, ON, AFTER]


def sb8_phase(day: date) -> str:
    if day < SB8_DEADLINE:
        return Phase.BEFORE
    return Phase.ON if day == SB8_DEADLINE else Phase.AFTER


def sb8_valid_until(day: date) -> date | None:
    """The first day on which words chosen by sb8_phase(day) may change (None: they never change again)."""
    if day < SB8_DEADLINE:
        return SB8_DEADLINE
    return SB8_DEADLINE + timedelta(days=1) if day == SB8_DEADLINE else None
