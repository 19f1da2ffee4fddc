from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CountiesConfig(AppConfig):
    name = "counties"
    verbose_name = _("Counties and agreements")

    def ready(self):
        from . import history, pagecache
        from .models import PUBLIC_MODELS

        history.connect()  # the reason given for bulk changes, in django-simple-history
        pagecache.watch(PUBLIC_MODELS)  # a save or delete of what public pages show: a new data version
        post_migrate.connect(pagecache.migrated, sender=self, dispatch_uid="pagecache-migrated")
