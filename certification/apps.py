from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificationConfig(AppConfig):
    name = "certification"
    verbose_name = _("認定")

    def ready(self):
        from . import (
            receivers,  # noqa: F401  (connects the signal receivers)
            tasks,  # noqa: F401  (registers the tasks `enqueue` queues by name)
        )
