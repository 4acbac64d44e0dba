"""The clerk's live meeting console: attendance, the item under discussion,
motions and roll calls, saved as they happen.

Every action is a plain form POST handled by a service, so the console works
without JavaScript; with it, actions are sent in the background and the
state panel is refreshed, and it is polled so a second clerk sees the same.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from council.models import Person
from council.visibility import Role, has_role
from meetings import selectors
from meetings.models import (
    AgendaItem,
    AttendanceStatus,
    Meeting,
    Motion,
    MotionKind,
    VoteOption,
)
from meetings.services import live


def _meeting(request: HttpRequest, meeting_id: int) -> Meeting:
    if not has_role(request.user, Role.CLERK):
        raise PermissionDenied
    return get_object_or_404(Meeting, pk=meeting_id)


def console_context(meeting: Meeting) -> dict:
    members = list(selectors.voting_members(meeting))
    attendance = {a.person_id: a for a in meeting.attendance.all()}
    motions = list(
        meeting.motions.select_related("mover", "seconder", "item", "amends")
        .prefetch_related("votes__person")
        .order_by("created_at")
    )
    for motion in motions:
        votes = {v.person_id: v for v in motion.votes.all() if not v.is_casting_vote}
        motion.rows = [(m, votes.get(m.person_id)) for m in members]
        motion.counts = selectors.tally(motion)
    return {
        "meeting": meeting,
        "members": [(m, attendance.get(m.person_id)) for m in members],
        "quorum": selectors.quorum_status(meeting),
        "agenda": selectors.working_agenda(meeting),
        "motions": motions,
        "open_motions": [m for m in motions if m.status == "pending"],
        "attendance_choices": AttendanceStatus.choices,
        "motion_kinds": MotionKind.choices,
        "vote_options": [
            (v, label) for v, label in VoteOption.choices if v != VoteOption.ABSENT
        ],
        "chair_breaks_ties": any(b.chair_breaks_ties for b in meeting.bodies.all()),
    }


def console(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = _meeting(request, meeting_id)
    template = (
        "meetings/admin/console_state.html"
        if request.GET.get("fragment")
        else "meetings/admin/console.html"
    )
    return render(request, template, console_context(meeting))


def _person(meeting: Meeting, person_id: str | None) -> Person | None:
    if not person_id:
        return None
    return get_object_or_404(
        Person,
        pk=person_id,
        pk__in=selectors.voting_members(meeting).values("person_id"),
    )


def _motion(meeting: Meeting, motion_id: str | None) -> Motion:
    return get_object_or_404(Motion, pk=motion_id or 0, meeting=meeting)


def _item(meeting: Meeting, item_id: str | None) -> AgendaItem | None:
    if not item_id:
        return None
    return get_object_or_404(AgendaItem, pk=item_id, section__meeting=meeting)


ACTIONS = {
    "attendance": lambda m, p: live.record_attendance(
        meeting=m, person=_person(m, p.get("person")), status=p.get("status", "")
    ),
    "take_up": lambda m, p: live.take_up_item(meeting=m, item=_item(m, p.get("item"))),
    "move": lambda m, p: live.move_motion(
        meeting=m,
        kind=p.get("kind", MotionKind.MAIN),
        text=p.get("text", ""),
        mover=_person(m, p.get("mover")),
        seconder=_person(m, p.get("seconder")),
        item=m.current_item if p.get("kind") != MotionKind.CONSENT else None,
        amends=_motion(m, p.get("amends")) if p.get("amends") else None,
        consent_items=[_item(m, i) for i in p.getlist("consent_items")],
    ),
    "open": lambda m, p: live.open_vote(
        motion=_motion(m, p.get("motion")),
        quorum_override_reason=p.get("quorum_override_reason", ""),
    ),
    "vote": lambda m, p: live.record_vote(
        motion=_motion(m, p.get("motion")),
        person=_person(m, p.get("person")),
        option=p.get("option", ""),
        conflict_declared=p.get("conflict", ""),
    ),
    "close": lambda m, p: live.close_vote(
        motion=_motion(m, p.get("motion")), casting_vote=p.get("casting_vote") or None
    ),
    "withdraw": lambda m, p: live.withdraw_motion(motion=_motion(m, p.get("motion"))),
    "override": lambda m, p: live.override_result(
        motion=_motion(m, p.get("motion")),
        result=p.get("result", ""),
        reason=p.get("reason", ""),
    ),
    "adjourn": lambda m, p: live.adjourn(meeting=m),
}


@require_POST
def act(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Run one console action; answer with the refreshed state panel when
    called in the background, else redirect back to the console."""
    meeting = _meeting(request, meeting_id)
    action = ACTIONS.get(request.POST.get("action", ""))
    error = ""
    if action is None:
        error = _("Unknown action.")
    else:
        try:
            action(meeting, request.POST)
        except ValidationError as exc:
            error = " ".join(exc.messages)
    if request.headers.get("X-Console") == "1":
        meeting.refresh_from_db()
        context = console_context(meeting) | {"error": error}
        return render(
            request,
            "meetings/admin/console_state.html",
            context,
            status=400 if error else 200,
        )
    if error:
        messages.error(request, error)
    return redirect(reverse("meetings_console", args=[meeting.pk]))
