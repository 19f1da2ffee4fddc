"""What an editor may do, in one list: the permissions of the Editor group (the admin, counties/admin/).

Editors change what ICE's lists cannot say (a county's jail status, an agency's counties, an agreement's
corrected date or links), add sources and events, and answer readers' corrections; they view the rest and
delete nothing. Migrations set the group as it was when each ran (0004, 0010, 0013, 0016, each adding to
the one before); a change here needs a migration that sets the group again, and
tests/counties/admin/test_editors_admin.py fails until the migrations and this list agree.
"""

EDITOR_GROUP = "Editor"

EDITOR_PERMISSIONS = sorted(
    [
        # places and reference data
        "view_state", "view_county", "change_county", "view_referenceload",
        # agencies, their counties and names, agreements, requests, changes
        "view_agency", "change_agency", "view_agencyname",
        "view_agencycounty", "add_agencycounty", "change_agencycounty",
        "view_agreement", "change_agreement", "view_request", "view_change",
        # ICE's lists: view them, upload a new one; the checks of ICE's site
        "view_snapshot", "add_snapshot", "view_snapshotdata", "view_syncrun",
        # editorial: sources, events, readers' corrections
        "view_source", "add_source", "change_source", "view_event", "add_event", "change_event",
        "view_correction", "change_correction",
    ]
)  # fmt: skip
