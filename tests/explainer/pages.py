"""A made-up explainer page for tests, with the given body (and language and slug)."""

import datetime

from explainer.content import Page


def make_page(body, lang="en", slug="what-is-287g"):
    return Page(
        slug=slug,
        lang=lang,
        title="T",
        description_text="D",
        reviewed=datetime.date(2026, 1, 1),
        order=1,
        body=body,
    )
