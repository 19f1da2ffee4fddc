"""A page's shared copy (SharedPage) is written without waiting for the disk, and only that write."""

import pytest
from django.db import connection, transaction

from counties import pagecache
from counties.pagecache import KeptPage

pytestmark = pytest.mark.usefixtures("committed")  # the store's own transaction, as in a server


def synchronous_commit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return cursor.fetchone()[0]


def page(body: bytes) -> KeptPage:
    return KeptPage(body=body, gzipped=False, content_type="text/html", etag='"x"', until=None, headers={})


def statements(action) -> list[str]:
    seen = []

    def record(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        action()
    return seen


def test_a_shared_copy_is_kept_and_the_connection_waits_for_the_disk_again_after():
    assert synchronous_commit() == "on"
    sql = statements(lambda: pagecache.shared.set("kept:a", page(b"<p>a</p>")))
    assert sql[0] == "SET LOCAL synchronous_commit TO OFF" and sql[1].startswith("INSERT")
    assert pagecache.shared.get("kept:a").body == b"<p>a</p>"
    assert synchronous_commit() == "on"  # SET LOCAL: for the copy's own transaction only


def test_inside_another_transaction_the_copy_leaves_its_commit_as_it_is():
    with transaction.atomic():
        sql = statements(lambda: pagecache.shared.set("kept:b", page(b"<p>b</p>")))
        assert not any("synchronous_commit" in statement for statement in sql)
        assert synchronous_commit() == "on"
    assert pagecache.shared.get("kept:b").body == b"<p>b</p>"
