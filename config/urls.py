from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from counties import pagecache
from counties.share.urls import data_patterns, embed_patterns, feed_patterns, share_patterns
from explainer.sitemaps import SITEMAPS
from explainer.views import healthz

# A page whose database is away answers 503 with Retry-After, not 500 (config/unavailable.py).
handler500 = "config.unavailable.server_error"

# Outside the language prefix: machine endpoints and the editors' admin.
urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    # 2.8 MB listing every county in both languages: built once per data version, not per crawler visit.
    path("sitemap.xml", pagecache.kept()(sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
]

# Public pages: English at /, Spanish under /es/.
urlpatterns += i18n_patterns(
    path("counties/", include("counties.urls")),
    # Sharing and reuse (before the explainer's catch-all /<slug>/ pages).
    path("data/", include(data_patterns)),
    path("feeds/", include(feed_patterns)),
    path("embed/", include(embed_patterns)),
    path("", include(share_patterns)),
    path("", include("explainer.urls")),
    prefix_default_language=False,
)
