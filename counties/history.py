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


def _fill_reason(sender, history_instance, **kwargs):
    if not history_instance.history_change_reason and _reason.get():
        history_instance.history_change_reason = _reason.get()
