from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language


def site(request):
    """Values every page template needs: the site address and this page in each language."""
    kept_query = getattr(request, "kept_query", None)  # a kept page: only the parameters it reads
    if kept_query is None:
        path = request.get_full_path()
    else:
        path = request.path + (f"?{kept_query}" if kept_query else "")
    current = get_language()
    alternates = []
    for code, _name in settings.LANGUAGES:
        url = translate_url(path, code) if code != current else path
        alternates.append({"code": code, "url": url, "absolute": settings.SITE_URL + url})
    return {"SITE_URL": settings.SITE_URL, "alternate_languages": alternates}
