"""The slow suite (`make test-slow`): the same fixtures, but `shipped` is the whole archive (328 lists)."""

import pytest

from tests import conftest as base


def _load_all(django_db_blocker):
    from counties.importers.shipped import load_shipped_data, shipped_lists
    from counties.models import Snapshot

    with django_db_blocker.unblock():
        if Snapshot.objects.count() == len(shipped_lists()):
            return
        base.call_command("flush", interactive=False, verbosity=0)
        base.restore_editor_group()
        load_shipped_data()


@pytest.fixture(scope="session")
def _shipped_session(django_db_setup, django_db_blocker):
    _load_all(django_db_blocker)


@pytest.fixture
def shipped(_shipped_session, django_db_blocker):
    """Every shipped list, committed (a transactional test may have emptied the database since)."""
    _load_all(django_db_blocker)
    base.forget_shared_pages(django_db_blocker)
