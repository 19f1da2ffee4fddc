"""Who is asking, without keeping their address.

- client_ip(request): the client's address as this server sees it (behind one trusted proxy when
  BEHIND_PROXY is on, and only for a request that comes from it: TRUSTED_PROXIES), used by django-axes for
  login lockout.
- client_key(request, purpose): a keyed hash of that address for rate limits (the corrections form), so no
  raw address is ever stored.
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


def sweep_expired_counts() -> int:
    """Delete the shared cache's expired rows (the corrections form's counts); how many went. Best effort:
    a database error is logged, never the caller's failure (a reader's report is saved before it runs; the
    next run does it)."""
    location = settings.CACHES["shared"]["LOCATION"]
    connection = connections[router.db_for_write(None) or "default"]
    # In a caller's transaction (a test's), a savepoint, so that a failure leaves that transaction usable;
    # otherwise the one statement is its own transaction.
    inside = (
        transaction.atomic(using=connection.alias) if connection.in_atomic_block else contextlib.nullcontext()
    )
    try:
        with inside, connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {connection.ops.quote_name(location)} WHERE expires < %s",  # noqa: S608 - a setting
                [timezone.now()],
            )
            return cursor.rowcount
    except (DatabaseError, InterfaceError) as error:
        log.warning("The correction form's expired counts were not deleted now: %s", str(error).strip()[:200])
        return 0
