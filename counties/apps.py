from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CountiesConfig(AppConfig):
    name = "counties"
    verbose_name = _("Counties and agreements")

    def ready(self):
        from . import history  # noqa: F401  (connects the history-reason signal)
