from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    name = "records"
    verbose_name = _("Records")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from council.services import ROLE_PERMISSIONS
        from council.visibility import Role

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
