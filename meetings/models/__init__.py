from .agenda import AgendaAttachment, AgendaItem, AgendaSection
from .meetings import Meeting, MeetingStatus, Session
from .pages import MeetingIndexPage
from .schedules import AgendaTemplate, AgendaTemplateSection, MeetingSchedule
from .submissions import (
    ItemSubmission,
    SubmissionAttachment,
    SubmissionEvent,
    SubmissionStatus,
)
from .versions import (
    AgendaVersion,
    BoardPack,
    PackEdition,
    PackStatus,
    PublishedAttachment,
    PublishedItem,
    PublishedSection,
)

__all__ = [
    "AgendaAttachment",
    "AgendaItem",
    "AgendaSection",
    "AgendaTemplate",
    "AgendaTemplateSection",
    "AgendaVersion",
    "BoardPack",
    "ItemSubmission",
    "Meeting",
    "MeetingIndexPage",
    "MeetingSchedule",
    "MeetingStatus",
    "PackEdition",
    "PackStatus",
    "PublishedAttachment",
    "PublishedItem",
    "PublishedSection",
    "Session",
    "SubmissionAttachment",
    "SubmissionEvent",
    "SubmissionStatus",
]
