from django.urls import path, re_path

from counties import pagecache

from . import views
from .feeds import ChangesFeed

changes_feed = pagecache.kept()(ChangesFeed())

data_patterns = (
    [
        path("", views.data_index, name="index"),
        re_path(
            r"^(?P<name>counties|agreements|requests|snapshots)\.(?P<fmt>csv|json)$",
            views.data_file,
            name="file",
        ),
    ],
    "data",
)

feed_patterns = (
    [
        path("changes.atom", changes_feed, name="site"),
        path("<slug:state>.atom", changes_feed, name="state"),
        path("<slug:state>/<slug:slug>.atom", changes_feed, name="county"),
    ],
    "feeds",
)

share_patterns = (
    [
        path("changes/", views.changes, name="changes"),
    ],
    "share",
)

embed_patterns = (
    [
        path("counties/<slug:state>/<slug:slug>/", views.embed_county, name="county"),
    ],
    "embed",
)
