"""The default file plan of a municipality; records managers edit it in the admin.

Periods follow common municipal retention practice: minutes and the
records-management trail are kept permanently, agenda packs ten years after
the meeting, staff reports go to the archives, drafts go when superseded.
"""

from django.db import migrations

SEPARATOR = " › "

# (code, parent code, name, action, trigger, custom event, years, description)
DEFAULT_FILE_PLAN = [
    ("meetings", None, "Meetings", "review", "meeting_held", "", 10,
     "Records of council, committee and board meetings."),
    ("meetings-agenda-packs", "meetings", "Agenda packs", "destroy", "meeting_held", "", 10,
     "Compiled board packs; the agenda and reports are kept in their own classes."),
    ("meetings-reports", "meetings", "Staff reports and attachments", "transfer", "meeting_held", "", 10,
     "Reports and documents placed before a meeting."),
    ("meetings-minutes", "meetings", "Minutes", "permanent", "", "", 0,
     "Approved minutes: the authoritative account of decisions."),
    ("meetings-closed-session", "meetings", "Closed-session material", "review", "meeting_held", "", 20,
     "Confidential reports and minutes of closed sessions, reviewed before release or destruction."),
    ("correspondence", None, "Correspondence", "destroy", "created", "", 7,
     "Letters and e-mails to and from the council."),
    ("correspondence-public-comments", "correspondence", "Public comments", "destroy", "matter_closed", "", 5,
     "Comments and petitions from the public on a matter."),
    ("contracts", None, "Contracts and agreements", "destroy", "custom", "contract ended", 7,
     "Signed contracts, leases and agreements."),
    ("drafts", None, "Drafts and working papers", "destroy", "superseded", "", 0,
     "Drafts kept only until a later version replaces them."),
    ("records-management", None, "Records management", "permanent", "", "", 0,
     "The records store's own evidence: certificates, transfer receipts."),
    ("records-destruction-certificates", "records-management", "Destruction certificates", "permanent", "", "", 0,
     "Certificates of records destroyed under the retention schedules."),
]


def create_default_file_plan(apps, schema_editor):
    RecordClass = apps.get_model("records", "RecordClass")
    created = {}
    for code, parent, name, action, trigger, custom, years, description in DEFAULT_FILE_PLAN:
        parent_class = created.get(parent)
        path_name = f"{parent_class.path_name}{SEPARATOR}{name}" if parent_class else name
        created[code], _ = RecordClass.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "parent": parent_class,
                "path_name": path_name,
                "action": action,
                "trigger": trigger,
                "custom_event": custom,
                "retention_years": years,
                "description": description,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("records", "0004_retention_holds_disposition")]

    operations = [
        migrations.RunPython(create_default_file_plan, migrations.RunPython.noop)
    ]
