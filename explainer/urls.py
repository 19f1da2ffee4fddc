import re

from django.urls import path, register_converter

from . import content, views

app_name = "explainer"


class PageSlugConverter:
    """Matches only the slugs of existing explainer pages, so `/<slug>/` never shadows another app's URL."""

    regex = "|".join(re.escape(slug) for slug in content.page_slugs()) or "(?!)"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(PageSlugConverter, "page")

urlpatterns = [
    path("", views.home, name="home"),
    path("<page:slug>/", views.page, name="page"),
]
