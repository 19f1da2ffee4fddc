from django.conf import settings
from django.urls import reverse, translate_url
from django.utils.translation import get_language, override

from counties.languages import suggested_language


def site(request):
    """Values every page template needs: the site address, this page in each language, and the link to
    this page in the language the reader's browser prefers, when that is not the page's."""
    kept_query = getattr(request, "kept_query", None)  # a kept page: only the parameters it reads
    if kept_query is None:
        path = request.get_full_path()
    else:
        path = request.path + (f"?{kept_query}" if kept_query else "")
    path = "/" + path.lstrip("/")  # "//evil.example/" is a path here, never another site's address
    current = get_language()
    urls = {
        code: translate_url(path, code) if code != current else path for code, _name in settings.LANGUAGES
    }
    # A page with no address in another language (a 404: translate_url gives the path back) names no
    # alternate pages, and its language link goes to that language's home page.
    same_page = all(url != path for code, url in urls.items() if code != current)
    alternates = []
    for code, url in urls.items():
        if code != current and url == path:
            with override(code):
                url = reverse("explainer:home")
        alternates.append(
            {"code": code, "url": url, "absolute": settings.SITE_URL + url, "same_page": same_page}
        )
    # "Ver en español" on an English page for a browser that prefers Spanish (counties/languages.py).
    # Not on a kept page keyed without it (kept_page(language_notice=False) says so on the request).
    offered = getattr(request, "offers_language_notice", True)
    suggested = suggested_language(request) if offered else None
    # Only when the page has an address in that language (a 404's has none).
    notice = next((a for a in alternates if a["code"] == suggested != current and a["same_page"]), None)
    return {"SITE_URL": settings.SITE_URL, "alternate_languages": alternates, "language_notice": notice}
