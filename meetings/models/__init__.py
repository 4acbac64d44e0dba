from .agenda import AgendaAttachment, AgendaItem, AgendaSection
from .annotations import Annotation, AnnotationQuerySet, Motivation
from .meetings import Meeting, MeetingStatus, Session
from .minutes import Minutes, MinutesEntry, MinutesStatus
from .pages import MeetingIndexPage
from .reading import PackOpen
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
from .votes import (
    IN_THE_ROOM,
    Attendance,
    AttendanceStatus,
    Motion,
    MotionKind,
    MotionResult,
    MotionStatus,
    PersonVote,
    Requirement,
    VoteOption,
    VoteRule,
)

__all__ = [
    "IN_THE_ROOM",
    "Attendance",
    "AttendanceStatus",
    "Motion",
    "MotionKind",
    "MotionResult",
    "MotionStatus",
    "PersonVote",
    "Requirement",
    "VoteOption",
    "VoteRule",
    "AgendaAttachment",
    "AgendaItem",
    "AgendaSection",
    "AgendaTemplate",
    "AgendaTemplateSection",
    "AgendaVersion",
    "Annotation",
    "AnnotationQuerySet",
    "BoardPack",
    "ItemSubmission",
    "Meeting",
    "MeetingIndexPage",
    "MeetingSchedule",
    "MeetingStatus",
    "Minutes",
    "MinutesEntry",
    "MinutesStatus",
    "Motivation",
    "PackEdition",
    "PackOpen",
    "PackStatus",
    "PublishedAttachment",
    "PublishedItem",
    "PublishedSection",
    "Session",
    "SubmissionAttachment",
    "SubmissionEvent",
    "SubmissionStatus",
]
