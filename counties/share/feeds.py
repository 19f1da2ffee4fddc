"""Atom feeds of 287(g) status changes: the whole site, one state, one county.

Entries are `counties.changes.recent_changes()` items; each entry id is a tag: URI built from the
item's stable key, so feed readers never show the same change twice. (Once, on 2026-12-08, every id of a
change from ICE's lists changed, to be a valid IRI: the spaces in an agency's name percent-encoded, and
the Spanish feeds' ids their own; a reader subscribed then saw those entries again, once.)
"""

from datetime import datetime, time
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from counties import wording
from counties.changes import recent_changes
from counties.models import County, Snapshot, State
from counties.text import without_controls

FEED_ITEMS = 50


def day_start(day) -> datetime:
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(settings.TIME_ZONE))


def item_datetime(item) -> datetime:
    return day_start(item.date)


class CleanAtom1Feed(Atom1Feed):
    """Atom that never fails on stored text: a control character XML 1.0 cannot carry (a vertical tab
    pasted into an event's summary before forms cleaned them) is dropped, not a 500 for every reader."""

    def add_item(self, title, link, description, **kwargs):
        return super().add_item(without_controls(title), link, without_controls(description), **kwargs)

    def latest_post_date(self):
        """The newest entry's date; a feed with no entry says the date of the newest list behind it (the
        day it was last changed as the publisher sees it), not the moment the page was made."""
        if self.items or self.feed.get("newest_list") is None:
            return super().latest_post_date()
        return self.feed["newest_list"]

    def write(self, outfile, encoding):
        self.feed["title"] = without_controls(self.feed["title"])
        self.feed["subtitle"] = without_controls(self.feed.get("subtitle"))
        return super().write(outfile, encoding)


class ChangesFeed(Feed):
    feed_type = CleanAtom1Feed

    def author_name(self):
        return _("287(g) Explainer")

    def get_object(self, request, state=None, slug=None):
        if slug is not None:
            return County.objects.by_url(state, slug)
        if state is not None:
            return get_object_or_404(State, code=state.upper())
        return None

    def title(self, obj):
        if isinstance(obj, County):
            return _("287(g) changes in %(county)s, %(state)s") % {
                "county": obj.local_name,
                "state": obj.state.local_name,
            }
        if isinstance(obj, State):
            return _("287(g) changes in %(state)s") % {"state": obj.local_name}
        return _("287(g) changes")

    def subtitle(self, obj):
        text = _(
            "Agreements ICE first lists, stops listing or lists again, and dated local events with sources."
        )
        state = obj.state if isinstance(obj, County) else obj
        texas = state is not None and state.code == "TX"
        current = wording.list_currency(
            Snapshot.objects.newest(), texas=texas, sheriffs=not isinstance(obj, County)
        )
        return f"{text} {current}" if current else text

    def link(self, obj):
        return settings.SITE_URL + (obj.get_absolute_url() if obj is not None else reverse("share:changes"))

    def feed_url(self, obj):
        """The feed's own address from SITE_URL, not from the Host header (the feed is kept and shared)."""
        if isinstance(obj, County):
            path = reverse("share:feed_county", kwargs={"state": obj.state.slug, "slug": obj.slug})
        elif isinstance(obj, State):
            path = reverse("share:feed_state", kwargs={"state": obj.slug})
        else:
            path = reverse("share:feed_site")
        return settings.SITE_URL + path

    def feed_extra_kwargs(self, obj):
        newest = Snapshot.objects.newest()
        return {"newest_list": day_start(newest.as_of) if newest else None}

    def feed_guid(self, obj):
        return self._tag(f"feed/{'site' if obj is None else obj._meta.model_name + '/' + str(obj.pk)}")

    def items(self, obj):
        if isinstance(obj, County):
            return recent_changes(county=obj, limit=FEED_ITEMS)
        return recent_changes(state=obj, limit=FEED_ITEMS)

    def item_title(self, item):
        return item.headline

    def item_description(self, item):
        place = f"{capfirst(item.county.local_name)}, {item.county.state.code}. " if item.county else ""
        return place + _("Source: %(source)s") % {"source": item.source_title}

    def item_link(self, item):
        """Where the item stands on a page: its county's timeline (the county's newest 50, as this feed's),
        else the changes page of its agency's state (a statewide or unplaced agency: the state's newest
        100), else the changes page."""
        if item.county is not None:
            page = item.county.get_absolute_url()
        elif item.agency is not None:
            page = f"{reverse('share:changes')}?state={item.agency.state.code.lower()}"
        else:
            page = reverse("share:changes")
        return f"{settings.SITE_URL}{page}#{item.anchor}"

    def item_guid(self, item):
        return self._tag(f"change/{item.key}")

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item_datetime(item)

    def item_updateddate(self, item):
        return item_datetime(item)

    def _tag(self, specific):
        """A tag: URI (RFC 4151), an IRI as Atom requires: an agency's name in a key has spaces, sent
        percent-encoded. A Spanish feed's ids are its own, so a reader of both feeds sees both."""
        host = urlsplit(settings.SITE_URL).hostname or "localhost"
        language = get_language()
        prefix = "" if language == settings.LANGUAGE_CODE else f"{language}/"
        return f"tag:{host},2026:{prefix}{quote(specific, safe='/:,')}"
