"""The default file plan of a municipality; records managers edit it in the admin.

Periods follow common municipal retention practice: minutes and the
records-management trail are kept permanently, agenda packs ten years after
the meeting, staff reports go to the archives, drafts go when superseded.
Created after every migrate (and so after a test flush) when missing;
classes already there, edited or not, are left alone.
"""

from __future__ import annotations

from records.models import RecordClass

# (code, parent code, name, action, trigger, custom event, years, description)
DEFAULT_FILE_PLAN = [
    (
        "meetings",
        None,
        "Meetings",
        "review",
        "meeting_held",
        "",
        10,
        "Records of council, committee and board meetings.",
    ),
    (
        "meetings-agenda-packs",
        "meetings",
        "Agenda packs",
        "destroy",
        "meeting_held",
        "",
        10,
        "Compiled board packs; the agenda and reports are kept in their own classes.",
    ),
    (
        "meetings-reports",
        "meetings",
        "Staff reports and attachments",
        "transfer",
        "meeting_held",
        "",
        10,
        "Reports and documents placed before a meeting.",
    ),
    (
        "meetings-minutes",
        "meetings",
        "Minutes",
        "permanent",
        "",
        "",
        0,
        "Approved minutes: the authoritative account of decisions.",
    ),
    (
        "meetings-closed-session",
        "meetings",
        "Closed-session material",
        "review",
        "meeting_held",
        "",
        20,
        "Confidential reports and minutes of closed sessions, reviewed before "
        "release or destruction.",
    ),
    (
        "correspondence",
        None,
        "Correspondence",
        "destroy",
        "created",
        "",
        7,
        "Letters and e-mails to and from the council.",
    ),
    (
        "correspondence-public-comments",
        "correspondence",
        "Public comments",
        "destroy",
        "matter_closed",
        "",
        5,
        "Comments and petitions from the public on a matter.",
    ),
    (
        "contracts",
        None,
        "Contracts and agreements",
        "destroy",
        "custom",
        "contract ended",
        7,
        "Signed contracts, leases and agreements.",
    ),
    (
        "drafts",
        None,
        "Drafts and working papers",
        "destroy",
        "superseded",
        "",
        0,
        "Drafts kept only until a later version replaces them.",
    ),
    (
        "records-management",
        None,
        "Records management",
        "permanent",
        "",
        "",
        0,
        "The records store's own evidence: certificates, transfer receipts.",
    ),
    (
        "records-destruction-certificates",
        "records-management",
        "Destruction certificates",
        "permanent",
        "",
        "",
        0,
        "Certificates of records destroyed under the retention schedules.",
    ),
]


def ensure_default_file_plan() -> int:
    """Create the default classes that do not exist yet; return how many."""
    created = 0
    for (
        code,
        parent,
        name,
        action,
        trigger,
        custom,
        years,
        description,
    ) in DEFAULT_FILE_PLAN:
        if RecordClass.objects.filter(code=code).exists():
            continue
        RecordClass.objects.create(
            code=code,
            name=name,
            parent=RecordClass.objects.filter(code=parent).first() if parent else None,
            action=action,
            trigger=trigger,
            custom_event=custom,
            retention_years=years,
            description=description,
        )
        created += 1
    return created
