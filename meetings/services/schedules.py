"""Meetings: creating them by hand or from a body's recurring schedule."""

from __future__ import annotations

import calendar
import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from council.models import Body
from meetings.models import (
    AgendaSection,
    AgendaTemplate,
    Meeting,
    MeetingSchedule,
    MeetingStatus,
)


def schedule_dates(
    schedule: MeetingSchedule, start: datetime.date, end: datetime.date
) -> list[datetime.date]:
    """The dates from start to end (inclusive) on which `schedule` falls."""
    dates = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        if month not in schedule.recess_months:
            matching = [
                day
                for week in calendar.monthcalendar(year, month)
                if (day := week[schedule.weekday])
            ]
            for ordinal in schedule.weeks:
                if ordinal == -1 or ordinal <= len(matching):
                    date = datetime.date(
                        year, month, matching[ordinal if ordinal == -1 else ordinal - 1]
                    )
                    if start <= date <= end:
                        dates.append(date)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return sorted(set(dates))


@transaction.atomic
def create_meeting(
    *,
    bodies: list[Body],
    starts_at: datetime.datetime,
    title: str = "Regular meeting",
    location: str = "",
    ends_at: datetime.datetime | None = None,
    template: AgendaTemplate | None = None,
    session: str = "open",
    parent: Meeting | None = None,
    schedule: MeetingSchedule | None = None,
) -> Meeting:
    """Create a meeting of one or more bodies, with the template's sections."""
    if not bodies:
        raise ValidationError(_("A meeting needs at least one body."))
    meeting = Meeting(
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        location=location,
        session=session,
        parent=parent,
        schedule=schedule,
    )
    meeting.full_clean()
    meeting.save()
    meeting.bodies.set(bodies)
    if template is not None:
        apply_agenda_template(meeting=meeting, template=template)
    return meeting


def apply_agenda_template(
    *, meeting: Meeting, template: AgendaTemplate
) -> list[AgendaSection]:
    """Append the template's standard sections to the meeting's agenda."""
    offset = meeting.sections.count()
    return AgendaSection.objects.bulk_create(
        AgendaSection(
            meeting=meeting, title=s.title, kind=s.kind, sort_order=offset + i
        )
        for i, s in enumerate(template.sections.all())
    )


@transaction.atomic
def generate_meetings(
    *, schedule: MeetingSchedule, start: datetime.date, end: datetime.date
) -> list[Meeting]:
    """Create the schedule's meetings from start to end; dates that already
    have a meeting of the body at that time are left alone."""
    created = []
    for date in schedule_dates(schedule, start, end):
        starts_at = timezone.make_aware(
            datetime.datetime.combine(date, schedule.start_time)
        )
        if Meeting.objects.of_body(schedule.body).filter(starts_at=starts_at).exists():
            continue
        created.append(
            create_meeting(
                bodies=[schedule.body],
                starts_at=starts_at,
                ends_at=starts_at
                + datetime.timedelta(minutes=schedule.duration_minutes),
                title=schedule.title,
                location=schedule.location,
                template=schedule.agenda_template,
                schedule=schedule,
            )
        )
    return created


def cancel_meeting(*, meeting: Meeting, reason: str) -> Meeting:
    """Cancel a meeting; the reason is shown wherever the meeting is listed."""
    if meeting.status in (MeetingStatus.HELD, MeetingStatus.MINUTES_APPROVED):
        raise ValidationError(_("This meeting has been held and cannot be cancelled."))
    meeting.status = MeetingStatus.CANCELLED
    meeting.cancellation_reason = reason.strip()
    meeting.full_clean()
    meeting.save(update_fields=["status", "cancellation_reason"])
    return meeting
