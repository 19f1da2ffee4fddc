from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShareConfig(AppConfig):
    name = "share"
    verbose_name = _("Sharing and open data")
