import datetime

from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CouncilConfig(AppConfig):
    name = "council"
    verbose_name = _("Council")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from council import tasks
        from council.scheduling import PERIODIC_TASKS, PeriodicTask
        from council.signal_handlers import set_up_site_after_migrate

        PERIODIC_TASKS.append(
            PeriodicTask(
                "council.planner_statistics",
                tasks.refresh_planner_statistics_task,
                datetime.timedelta(days=1),
            )
        )

        # Permissions exist only once every app has had its post_migrate, so
        # the role groups are synced on the signal of the last app with models
        # (apps without models get no post_migrate).
        last_app = [c for c in apps.get_app_configs() if c.models_module][-1]
        post_migrate.connect(set_up_site_after_migrate, sender=last_app)
