"""The editors' tool: the admin registrations, one module per concern (places, agencies, lists with the
upload of a new list, editorial). How an editor's change is recorded and guarded (history, reasons, no
silent overwrite) is in counties/editing.py; the ICE workbook upload in counties/admin/upload.py."""

from . import agencies, editorial, lists, places, users  # noqa: F401 (each registers its models)
