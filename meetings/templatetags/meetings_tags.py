from __future__ import annotations

from django import template

from council.models import Body
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
def voting_record(context, person, limit: int = 100) -> dict:
    """A member's attendance and votes as the visitor may see them, filtered
    by the page's ?body=, ?year= and ?outcome=."""
    request = context["request"]
    params = request.GET
    body = Body.objects.filter(slug=params.get("body", "")).first()
    year = int(params["year"]) if params.get("year", "").isdigit() else None
    outcome = (
        params.get("outcome") if params.get("outcome") in ("passed", "failed") else None
    )
    votes = selectors.decided_votes(
        request.user, person=person, body=body, year=year, outcome=outcome
    )
    return {
        "person": person,
        "summary": selectors.voting_summary(person, request.user),
        "votes": votes[:limit],
        "bodies": Body.objects.filter(memberships__person=person).distinct(),
        "years": selectors.meeting_years(),
        "selected": {"body": body, "year": year, "outcome": outcome},
    }
