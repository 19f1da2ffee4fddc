"""Reaching a part of a page with the keyboard alone, in browser tests."""

import pytest


def tab_to(page, reached: str, tabs: int, failure: str) -> None:
    """Press Tab until the JavaScript expression `reached` is true on the page, at most `tabs` times; fail
    with `failure` if it never is."""
    for _ in range(tabs):
        page.keyboard.press("Tab")
        if page.evaluate(reached):
            return
    pytest.fail(failure)
