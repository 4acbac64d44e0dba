from __future__ import annotations

from django import template

from meetings import selectors
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


@register.inclusion_tag("meetings/includes/voting_record.html", takes_context=True)
def voting_record(context, person, limit: int = 50) -> dict:
    """A member's attendance and votes, as the visitor may see them."""
    user = context["request"].user
    return {
        "person": person,
        "summary": selectors.voting_summary(person, user),
        "votes": selectors.decided_votes(user, person=person)[:limit],
    }
