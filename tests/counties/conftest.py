import pytest

from tests.counties.workbooks import texas_counties


@pytest.fixture
def texas(db):
    """Texas and a few of its real counties and places, for imports on an otherwise empty database."""
    return texas_counties()


@pytest.fixture
def ice():
    """A stand-in for ICE's site as it serves its lists today (tests/counties/ice_site.py), on 127.0.0.1.
    (tests/counties/importers/test_sync.py overrides it with ICE's site as it was until spring 2026.)"""
    from tests.counties.ice_site import IceSite, serve

    site = IceSite()
    server = serve(site)
    yield site
    server.shutdown()
    server.server_close()
