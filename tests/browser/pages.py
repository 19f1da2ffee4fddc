"""One example of every public page type, in the order a reader meets them. Grows as pages land.

Each entry: a name for test ids, the English path, and the HTTP status the page answers with. The
Spanish page is the same path under /es/ (see spanish()).
"""

PAGES = [
    ("home", "/", 200),
    ("search-results", "/counties/?q=75201", 200),
    ("county", "/counties/tx/dallas-county/", 200),
    ("state-with-map", "/counties/tx/", 200),
    ("state-sb8-map", "/counties/tx/?map=sb8", 200),
    ("national", "/counties/national/", 200),
    ("explainer-what-is-287g", "/what-is-287g/", 200),
    ("explainer-models", "/models/", 200),
    ("explainer-detainers", "/detainers/", 200),
    ("explainer-texas-sb8", "/texas-sb8/", 200),
    ("explainer-glossary", "/glossary/", 200),
    ("explainer-dallas-area", "/dallas-area/", 200),
    ("explainer-money", "/money/", 200),
    ("explainer-history", "/history/", 200),
    ("explainer-debate", "/debate/", 200),
    ("explainer-your-rights", "/your-rights/", 200),
    ("explainer-if-held", "/if-held/", 200),
    ("explainer-questions", "/questions/", 200),
    ("explainer-methodology", "/methodology/", 200),
    ("explainer-about", "/about/", 200),
    ("explainer-sources", "/sources/", 200),
    ("explainer-privacy", "/privacy/", 200),
    ("data", "/data/", 200),
    ("changes", "/changes/", 200),
    ("flyer", "/counties/tx/dallas-county/print/", 200),
    ("embed", "/embed/counties/tx/dallas-county/", 200),
    ("correction-form", "/counties/tx/dallas-county/correction/", 200),
    ("not-found", "/this-page-does-not-exist/", 404),
]

# Pages with a form that posts: Django's CSRF cookie (HttpOnly, SameSite=Lax, no session) is the only
# cookie they may set. Every other page sets none.
FORM_PAGES = {"/counties/tx/dallas-county/correction/"}


def spanish(path: str) -> str:
    return "/es" + path


def both_languages():
    """(id, path, status) for every page type in English and in Spanish."""
    for name, path, status in PAGES:
        yield f"{name}-en", path, status
        yield f"{name}-es", spanish(path), status
