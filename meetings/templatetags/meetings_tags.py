from __future__ import annotations

from django import template

from meetings.models import Meeting, MeetingIndexPage, MeetingStatus

register = template.Library()


@register.inclusion_tag("meetings/includes/next_meetings.html", takes_context=True)
def next_meetings(context, count: int = 5) -> dict:
    """The next meetings, for the home page."""
    return {
        "request": context["request"],
        "meetings": Meeting.objects.upcoming()
        .exclude(status=MeetingStatus.CANCELLED)
        .prefetch_related("bodies")[:count],
        "page": MeetingIndexPage.objects.live().first(),
    }
