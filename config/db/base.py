from django.db.backends.postgresql import base

from config import bounded_db


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self):
        """Django's own check (a "SELECT 1" on the raw connection, which no execute wrapper sees), cut after
        CHECK_SECONDS during a reader's request: a server that stopped answering is "not usable" at once,
        and Django connects again (connect_timeout) instead of waiting on it."""
        seconds = bounded_db.CHECK_SECONDS if bounded_db.current_bound() else None
        with bounded_db.watchdog(self.connection, seconds):
            return super().is_usable()
