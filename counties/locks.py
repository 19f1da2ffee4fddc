"""Site-wide locks: PostgreSQL advisory locks, so that one run at a time holds across every app server and
the scheduler (no lock file, no state on one machine). A session lock is let go when its block ends, or
by PostgreSQL when the connection closes; a transaction lock when the transaction ends."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

IMPORT = 287_000  # imports, upload confirmations and the imports a sync makes
SYNC = 287_001  # one check of ICE's site at a time
KEEP = 287_002  # one keep_pages at a time


@contextmanager
def held_if_free(key: int) -> Iterator[bool]:
    """Take the lock for the block if no one holds it now: yields whether it was taken (and then frees it)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        taken = cursor.fetchone()[0]
    try:
        yield taken
    finally:
        if taken:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])


def wait_in_transaction(key: int) -> None:
    """Wait for the lock, and hold it until this transaction ends."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def take_in_transaction(key: int) -> bool:
    """Take the lock until this transaction ends if no one holds it now; whether it was taken."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [key])
        return cursor.fetchone()[0]


def share_in_transaction_if_free(key: int) -> bool:
    """Take the lock shared until this transaction ends, unless someone holds it exclusively now (whether it
    was taken). Shared holders do not stop each other; one who waits for it exclusively waits for them."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock_shared(%s)", [key])
        return cursor.fetchone()[0]
