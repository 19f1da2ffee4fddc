from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from explainer.views import sitemap

from .views import healthz, robots_txt

# A page whose database is away answers 503 with Retry-After, not 500 (config/unavailable.py).
handler500 = "config.unavailable.server_error"

# Outside the language prefix: machine endpoints and the editors' admin.
urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("robots.txt", robots_txt, name="robots"),
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemap, name="sitemap"),
]

# Public pages: English at /, Spanish under /es/.
urlpatterns += i18n_patterns(
    # Sharing and reuse (before the county pages and the explainer's catch-all /<slug>/ pages).
    path("", include("counties.share.urls")),
    path("counties/", include("counties.urls")),
    path("", include("explainer.urls")),
    prefix_default_language=False,
)
