import pytest

from tests.counties.workbooks import texas_counties


@pytest.fixture
def texas(db):
    """Texas and a few of its real counties and places, for imports on an otherwise empty database."""
    return texas_counties()
