"""Where kept pages live (counties/pagecache.py decides what is kept and when): a page as kept, the
process's own copies (bounded by bytes) and the database's copies every process and server shares."""

import pickle
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import connection, transaction
from django.utils import timezone

SHARED_TIMEOUT = 2 * 24 * 60 * 60  # old versions of pages fall out of the shared store after two days


@dataclass
class KeptPage:
    body: bytes  # gzip-compressed when `gzipped`
    gzipped: bool
    content_type: str
    etag: str
    until: date | None = None  # render again from this day on (None: only when the data changes)
    headers: dict = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.body) + 200

    def fresh(self) -> bool:
        from .pagecache import today  # the one clock of kept pages (tests set it)

        return self.until is None or today() < self.until


class ByteLRU:
    """A least-recently-used map bounded by the bytes it holds (not by entries: a 2.8 MB sitemap and a
    6 KB county page are not the same weight)."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.bytes = 0
        self._items: OrderedDict[str, KeptPage] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> KeptPage | None:
        with self._lock:
            page = self._items.get(key)
            if page is not None:
                self._items.move_to_end(key)
            return page

    def put(self, key: str, page: KeptPage) -> None:
        if page.size > self.max_bytes:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self.bytes -= old.size
            self._items[key] = page
            self.bytes += page.size
            while self.bytes > self.max_bytes:
                _key, dropped = self._items.popitem(last=False)
                self.bytes -= dropped.size

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.bytes = 0

    def __len__(self) -> int:
        return len(self._items)


class SharedStore:
    """Kept pages in the database (SharedPage), for every process and server: one query to read, one to
    write (INSERT ... ON CONFLICT). The rows of a data version go when the next one comes (data_changed).

    Not Django's database cache (caches["shared"], which keeps the correction counts): its every set counts
    the table and, past MAX_ENTRIES, deletes the first third of all keys, so a whole site's pages (two
    languages of every county) would drop out in runs; and its set_many is a few queries per key, where
    keep_pages writes its pages in one bulk insert."""

    def get(self, key: str) -> KeptPage | None:
        from .models import SharedPage

        data = (
            SharedPage.objects.filter(key=key, expires__gt=timezone.now())
            .values_list("page", flat=True)
            .first()
        )
        if data is None:
            return None
        try:
            return pickle.loads(bytes(data))  # noqa: S301 - written by this site only, never from a reader
        except (pickle.UnpicklingError, EOFError, AttributeError, TypeError, ValueError):
            return None

    def set(self, key: str, page: KeptPage) -> None:
        from .models import SharedPage

        expires = timezone.now() + timedelta(seconds=SHARED_TIMEOUT)
        row = SharedPage(key=key, page=pickle.dumps(page, protocol=pickle.HIGHEST_PROTOCOL), expires=expires)
        if connection.in_atomic_block:  # another transaction's writes: committed as it says
            self._write(row)
            return
        # A copy of a page, not data: its commit need not wait for the disk's flush (9.8 ms a page in one
        # profile taken while the disk was busy; within the noise on an idle one, bench/render.py). A crash
        # may lose the last few copies; a reader then gets the page rendered again.
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
            self._write(row)

    @staticmethod
    def _write(row) -> None:
        from .models import SharedPage

        SharedPage.objects.bulk_create(
            [row], update_conflicts=True, unique_fields=["key"], update_fields=["page", "expires"]
        )

    def clear(self) -> None:
        from .models import SharedPage

        SharedPage.objects.all().delete()
