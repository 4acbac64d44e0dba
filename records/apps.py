import datetime

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

DAY = datetime.timedelta(days=1)


class RecordsConfig(AppConfig):
    name = "records"
    verbose_name = _("Records")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from council.scheduling import PERIODIC_TASKS, PeriodicTask
        from council.services import ROLE_PERMISSIONS
        from council.visibility import Role
        from records import tasks
        from records.signal_handlers import create_default_file_plan

        # Records managers and clerks read the audit trail; nobody edits it.
        for role in (Role.RECORDS_MANAGER, Role.CLERK):
            ROLE_PERMISSIONS[role].append("records.view_auditevent")
        # Records managers run the file plan, holds and disposition.
        ROLE_PERMISSIONS[Role.RECORDS_MANAGER] += [
            "records.view_record",
            "records.change_record",
            "records.add_recordclass",
            "records.change_recordclass",
            "records.view_recordclass",
            "records.add_hold",
            "records.change_hold",
            "records.view_hold",
            "records.view_disposalitem",
            "records.change_disposalitem",
            "records.view_disposalbatch",
        ]
        # Fixity is checked nightly in slices (each record at least every
        # QUORUM_FIXITY_MAX_AGE_DAYS); records past retention are listed daily.
        PERIODIC_TASKS.extend(
            [
                PeriodicTask("records.fixity", tasks.run_scheduled_fixity_check, DAY),
                PeriodicTask("records.disposal_list", tasks.list_due_records_task, DAY),
            ]
        )
        post_migrate.connect(create_default_file_plan, sender=self)
