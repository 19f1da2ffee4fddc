"""The site's own bookkeeping: the data version kept pages depend on, and the shared kept pages."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DataVersion(models.Model):
    """One row: a counter of changes to what public pages show (counties/pagecache.py keys pages on it)."""

    counter = models.BigIntegerField(default=0)
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("data version")

    def __str__(self):
        return f"Data version {self.counter}"


class SharedPage(models.Model):
    """A rendered public page kept for every process and server (counties/pagecache.py), one row a key."""

    key = models.CharField(max_length=80, primary_key=True)
    page = models.BinaryField(help_text=_("The kept page (pickled), its body gzip-compressed."))
    expires = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("shared kept page")

    def __str__(self):
        return self.key
