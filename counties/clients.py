"""Who is asking, without keeping their address.

- client_ip(request): the client's address as this server sees it (behind one trusted proxy when
  BEHIND_PROXY is on, and only for a request that comes from it: TRUSTED_PROXIES), used by django-axes for
  login lockout.
- client_key(request, purpose): a keyed hash of that address for rate limits (the corrections form), so no
  raw address is ever stored.
- best_effort(what): a clean-up whose database error is logged, not raised.
- sweep_expired_counts(): removes the rate limits' counts whose time is up. Django's database cache keeps an
  expired row until the table holds more than MAX_ENTRIES (300 by default; 100,000 here, so that its cull
  never takes live counts): a count, keyed by the hash of an address and the hour, would stay for good. Run after each accepted report and by `keep_pages` (every 5 minutes in
  the README's schedule).
"""

import contextlib
import hashlib
import hmac
import logging

from django.conf import settings
from django.db import DatabaseError, InterfaceError, connections, router, transaction
from django.utils import timezone

log = logging.getLogger(__name__)


def client_ip(request) -> str | None:
    remote = request.META.get("REMOTE_ADDR") or ""
    trusted = getattr(settings, "TRUSTED_PROXIES", frozenset({"", "127.0.0.1", "::1"}))
    if getattr(settings, "BEHIND_PROXY", False) and remote in trusted:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        # The trusted proxy appends the address it saw: the last entry is the only one it vouches for.
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return remote or None


def client_key(request, purpose: str) -> str:
    message = f"{purpose}:{client_ip(request) or 'unknown'}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()[:32]


@contextlib.contextmanager
def best_effort(what: str, errors: list[str] | None = None):
    """Run a clean-up's statements so that a database error is logged (and added to `errors`), never the
    caller's failure (a reader's report is saved before a sweep runs; the next run does the work). In a
    caller's transaction (a test's), a savepoint, so that a failure leaves that transaction usable;
    otherwise each statement is its own."""
    connection = connections[router.db_for_write(None) or "default"]
    inside = (
        transaction.atomic(using=connection.alias) if connection.in_atomic_block else contextlib.nullcontext()
    )
    try:
        with inside:
            yield connection
    except (DatabaseError, InterfaceError) as error:
        text = str(error).strip()[:200]
        log.warning("Not done now (the next run does it): %s: %s", what, text)
        if errors is not None:
            errors.append(f"{what}: {text}")


def sweep_expired_counts(errors: list[str] | None = None) -> int:
    """Delete the shared cache's expired rows (the corrections form's counts); how many went (0 when the
    database did not answer: best_effort)."""
    location = settings.CACHES["shared"]["LOCATION"]
    deleted = 0
    with (
        best_effort("deleting the correction form's expired counts", errors) as connection,
        connection.cursor() as cursor,
    ):
        cursor.execute(
            f"DELETE FROM {connection.ops.quote_name(location)} WHERE expires < %s",  # noqa: S608 - a setting
            [timezone.now()],
        )
        deleted = cursor.rowcount
    return deleted
