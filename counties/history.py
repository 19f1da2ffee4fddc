"""A reason for changes made in bulk (an ICE import, an admin action), recorded in django-simple-history.

Editors type their reason in the admin form (see counties/admin/); code that saves many records at
once wraps the work in `with history_reason("..."):` so every history row it creates says why.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from simple_history.signals import pre_create_historical_record

_reason: ContextVar[str] = ContextVar("history_reason", default="")


@contextmanager
def history_reason(text: str):
    token = _reason.set(text)
    try:
        yield
    finally:
        _reason.reset(token)


def connect() -> None:
    pre_create_historical_record.connect(_fill_reason, dispatch_uid="history-reason")
    pre_create_historical_record.connect(_fill_county_rows, dispatch_uid="history-county-rows")


def _fill_reason(sender, history_instance, **kwargs):
    if not history_instance.history_change_reason and _reason.get():
        history_instance.history_change_reason = _reason.get()


def _fill_county_rows(sender, instance, history_instance, **kwargs):
    """An agency's history row keeps the counties it works in (models.AgencyHistory), so that undoing an
    edit can put them back. The admin sets them again once its county rows are saved (admin/agencies.py);
    an import's bulk rows get them in one statement (importers/rebuild/write.py)."""
    if hasattr(history_instance, "county_rows") and history_instance.county_rows is None and instance.pk:
        history_instance.county_rows = instance.county_rows()
