"""Counties, the agencies in them, and the 287(g) agreements ICE lists for those agencies.

What ICE's workbooks say is imported (Snapshot, SnapshotData, Agency, Agreement); what editors add is
entered through the admin (Event, Source). A county's status is never typed: it is derived from these
(see counties/status.py). One module per concern; every class is importable from `counties.models`.
"""

from .agencies import (
    Agency,
    AgencyCounty,
    AgencyName,
    Agreement,
    AgreementQuerySet,
)
from .changes import Change
from .editorial import Correction, CorrectionQuerySet, Event, EventQuerySet, Source
from .fields import validate_http_url
from .lists import (
    PendingUpload,
    PendingUploadQuerySet,
    Snapshot,
    SnapshotData,
    SnapshotQuerySet,
    SyncRun,
    SyncRunQuerySet,
)
from .places import (
    STATE_NAMES_ES,
    County,
    CountyQuerySet,
    Place,
    PlaceCounty,
    PlaceQuerySet,
    ReferenceLoad,
    State,
    ZipCode,
    ZipCounty,
    local_county_name,
    local_state_name,
)
from .requests import Request, RequestQuerySet
from .site import DataVersion, SharedPage

# What public pages show, and so what a kept page depends on. Every model of this app is in exactly one of
# the three tuples (tests/counties/pagecache/test_pagecache.py checks it):
# - PUBLIC_MODELS: saved one by one (an editor in the admin, an import's Snapshot): each save or delete makes
#   a new data version (signals wired in counties/apps.py);
# - PUBLIC_BULK_MODELS: written only in bulk, by the reference loader and the importer's rebuild, which
#   make the new data version themselves (pagecache.data_changed()); no signal per row, so that deleting
#   50,000 ZIP links stays one query (an editor's change to an agency's counties, in the agency's admin
#   page, makes the new data version there too);
# - NOT_ON_PUBLIC_PAGES: never read by a public page.
PUBLIC_MODELS = (County, Snapshot, Agency, Agreement, Source, Event)
PUBLIC_BULK_MODELS = (
    State, ZipCode, ZipCounty, Place, PlaceCounty, AgencyName, AgencyCounty, Request, Change,
)  # fmt: skip
NOT_ON_PUBLIC_PAGES = (
    SnapshotData,
    ReferenceLoad,
    Correction,
    DataVersion,
    SharedPage,
    SyncRun,
    PendingUpload,
)

__all__ = [
    "Agency",
    "AgencyCounty",
    "AgencyName",
    "Agreement",
    "AgreementQuerySet",
    "Change",
    "Correction",
    "CorrectionQuerySet",
    "County",
    "CountyQuerySet",
    "DataVersion",
    "Event",
    "EventQuerySet",
    "NOT_ON_PUBLIC_PAGES",
    "PUBLIC_BULK_MODELS",
    "PUBLIC_MODELS",
    "PendingUpload",
    "PendingUploadQuerySet",
    "Place",
    "PlaceCounty",
    "PlaceQuerySet",
    "ReferenceLoad",
    "Request",
    "RequestQuerySet",
    "STATE_NAMES_ES",
    "SharedPage",
    "Snapshot",
    "SnapshotData",
    "SnapshotQuerySet",
    "Source",
    "State",
    "SyncRun",
    "SyncRunQuerySet",
    "ZipCode",
    "ZipCounty",
    "local_county_name",
    "local_state_name",
    "validate_http_url",
]
