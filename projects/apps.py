from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("BPRプロジェクト・チーム")

    def ready(self):
        # Register the tasks in every process (web included): `queueing.enqueue` sends
        # them by name and runs them in-process when Celery is eager.
        from . import tasks  # noqa: F401
