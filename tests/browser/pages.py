"""One example of every public page type, in the order a reader meets them. Grows as pages land.

Each entry: a name for test ids, the English path, and the HTTP status the page answers with. The
Spanish page is the same path under /es/ (see spanish()).
"""

PAGES = [
    ("home", "/", 200),
    ("not-found", "/this-page-does-not-exist/", 404),
]


def spanish(path: str) -> str:
    return "/es" + path


def both_languages():
    """(id, path, status) for every page type in English and in Spanish."""
    for name, path, status in PAGES:
        yield f"{name}-en", path, status
        yield f"{name}-es", spanish(path), status
