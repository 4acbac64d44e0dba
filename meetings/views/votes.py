"""Open data: every public vote as CSV and as Popolo-shaped JSON."""

from __future__ import annotations

import csv

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone

from council.models import Body, Person
from meetings import selectors
from meetings.models import Meeting, Motion


def _filtered_votes(request: HttpRequest):
    params = request.GET
    votes = selectors.decided_votes(
        request.user,
        person=Person.objects.filter(slug=params.get("person", "")).first(),
        body=Body.objects.filter(slug=params.get("body", "")).first(),
        year=params.get("year") if params.get("year", "").isdigit() else None,
        outcome=params.get("outcome")
        if params.get("outcome") in ("passed", "failed")
        else None,
    )
    if params.get("meeting", "").isdigit():
        votes = votes.filter(motion__meeting_id=int(params["meeting"]))
    return votes


def votes_csv(request: HttpRequest) -> HttpResponse:
    """One row per member per decided motion the visitor may see."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="votes.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "date",
            "body",
            "meeting_id",
            "item",
            "motion",
            "motion_kind",
            "result",
            "reason",
            "member",
            "vote",
            "declared_conflict",
        ]
    )
    for vote in _filtered_votes(request):
        motion = vote.motion
        writer.writerow(
            [
                f"{timezone.localtime(motion.meeting.starts_at):%Y-%m-%d}",
                motion.meeting.body_names,
                motion.meeting_id,
                motion.item.title if motion.item else "",
                motion.text,
                motion.kind,
                motion.result,
                motion.result_reason,
                vote.person.name,
                vote.option,
                vote.conflict_declared,
            ]
        )
    return response


def _vote_event(motion: Motion, votes: list) -> dict:
    tally = selectors.tally(motion)
    meeting: Meeting = motion.meeting
    return {
        "id": f"vote-event-{motion.pk}",
        "motion": {
            "id": f"motion-{motion.pk}",
            "text": motion.text,
            "classification": motion.kind,
            "requirement": motion.requirement,
        },
        "organization": meeting.body_names,
        "start_date": motion.decided_at.isoformat() if motion.decided_at else None,
        "result": "pass" if motion.result == "passed" else "fail",
        "result_reason": motion.result_reason,
        "agenda_item": motion.item.title if motion.item else None,
        "meeting": {"id": meeting.pk, "start_date": meeting.starts_at.isoformat()},
        "counts": [
            {"option": option, "value": getattr(tally, option)}
            for option in ("yes", "no", "abstain", "absent", "recused")
        ],
        "votes": [
            {"voter": {"id": v.person.slug, "name": v.person.name}, "option": v.option}
            for v in votes
        ],
    }


def votes_json(request: HttpRequest) -> JsonResponse:
    """Popolo VoteEvents with their votes and counts."""
    by_motion: dict[int, tuple[Motion, list]] = {}
    for vote in _filtered_votes(request):
        by_motion.setdefault(vote.motion_id, (vote.motion, []))[1].append(vote)
    return JsonResponse(
        {"vote_events": [_vote_event(m, votes) for m, votes in by_motion.values()]},
        json_dumps_params={"ensure_ascii": False},
    )
