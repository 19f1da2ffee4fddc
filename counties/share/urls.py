"""Sharing and reuse, one namespace: share:data_index, share:data_file, share:feed_site, share:feed_state,
share:feed_county, share:changes, share:embed_county, share:print, share:share_image."""

from django.urls import path, re_path

from . import views

app_name = "share"

urlpatterns = [
    path("data/", views.data_index, name="data_index"),
    re_path(
        r"^data/(?P<name>counties|agreements|requests|snapshots)\.(?P<fmt>csv|json)$",
        views.data_file,
        name="data_file",
    ),
    path("feeds/changes.atom", views.feed, name="feed_site"),
    path("feeds/<slug:state>.atom", views.feed, name="feed_state"),
    path("feeds/<slug:state>/<slug:slug>.atom", views.feed, name="feed_county"),
    path("changes/", views.changes, name="changes"),
    path("embed/counties/<slug:state>/<slug:slug>/", views.embed_county, name="embed_county"),
    path("counties/<slug:state>/<slug:slug>/print/", views.county_print, name="print"),
    path("counties/<slug:state>/<slug:slug>/share.png", views.share_image, name="share_image"),
]
