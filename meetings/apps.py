import datetime

from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

MEETINGS_MODELS = (
    "meeting",
    "agendaitem",
    "agendasection",
    "itemsubmission",
    "meetingschedule",
    "agendatemplate",
    "minutes",
    "motion",
    "attendance",
    "voterule",
)


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Meetings")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from council.scheduling import PERIODIC_TASKS, PeriodicTask
        from council.services import ROLE_PERMISSIONS
        from council.visibility import Role
        from meetings import tasks
        from meetings.signal_handlers import (
            add_meetings_page_after_migrate,
            mark_packs_containing_removed_content,
        )
        from records.forms import HOLD_TARGET_MODELS
        from records.signals import record_content_removed

        ROLE_PERMISSIONS[Role.CLERK] += [
            *(
                f"meetings.{action}_{model}"
                for model in MEETINGS_MODELS
                for action in ("add", "change", "delete", "view")
            ),
            "meetings.review_itemsubmission",
        ]
        ROLE_PERMISSIONS[Role.STAFF] += [
            "meetings.add_itemsubmission",
            "meetings.change_itemsubmission",
            "meetings.view_itemsubmission",
            "meetings.view_meeting",
        ]
        last_app = [c for c in apps.get_app_configs() if c.models_module][-1]
        post_migrate.connect(add_meetings_page_after_migrate, sender=last_app)
        record_content_removed.connect(mark_packs_containing_removed_content)
        # A hold can cover everything filed under a meeting.
        HOLD_TARGET_MODELS.append("meetings.Meeting")
        # Members' private annotations are purged daily under their body's policy.
        PERIODIC_TASKS.append(
            PeriodicTask(
                "meetings.annotation_purge",
                tasks.purge_annotations_task,
                datetime.timedelta(days=1),
            )
        )
