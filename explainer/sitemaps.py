"""`/sitemap.xml`: every public page in English and Spanish, each with its `hreflang` alternates."""

from types import SimpleNamespace
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from counties.models import County, Snapshot, State

from . import content


class SiteSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True

    def get_urls(self, page=1, site=None, protocol=None):
        # Absolute URLs from SITE_URL, not from the request's Host header (no sites framework needed).
        parts = urlsplit(settings.SITE_URL)
        return super().get_urls(page=page, site=SimpleNamespace(domain=parts.netloc), protocol=parts.scheme)


class HomeSitemap(SiteSitemap):
    priority = 1.0

    def items(self):
        return ["explainer:home"]

    def location(self, item):
        return reverse(item)


class ExplainerSitemap(SiteSitemap):
    priority = 0.8

    def items(self):
        english = {p.slug: p for p in content.pages_in(settings.LANGUAGE_CODE)}
        return sorted(english.values(), key=lambda p: (p.order, p.slug))

    def location(self, page):
        return reverse("explainer:page", args=[page.slug])

    def lastmod(self, page):
        return page.reviewed


class StateSitemap(SiteSitemap):
    priority = 0.7

    def items(self):
        return list(State.objects.order_by("code"))

    def location(self, state):
        return reverse("counties:state", kwargs={"state": state.slug})


class CountySitemap(SiteSitemap):
    priority = 0.6

    def items(self):
        self._newest = Snapshot.objects.newest()
        return list(County.objects.select_related("state").order_by("state__code", "slug"))

    def location(self, county):
        return reverse("counties:county", kwargs={"state": county.state.slug, "slug": county.slug})

    def lastmod(self, county):
        return self._newest.as_of if self._newest else None


SITEMAPS = {
    "home": HomeSitemap,
    "explainer": ExplainerSitemap,
    "states": StateSitemap,
    "counties": CountySitemap,
}
