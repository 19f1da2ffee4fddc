"""Work a server process does on a thread of its own (an index built as it starts, a check an editor asked
for), so that no request waits for it."""

import threading
from collections.abc import Callable

from django.db import connections


def start(name: str, work: Callable[[], None]) -> threading.Thread:
    """Run `work` on a daemon thread, which closes its own database connection when done; `work` deals
    with its own errors."""

    def run() -> None:
        try:
            work()
        finally:
            connections.close_all()  # this thread's own connection

    thread = threading.Thread(target=run, name=name, daemon=True)
    thread.start()
    return thread
