"""What happened at Port Alder's past meetings: attendance, motions, votes
and minutes, each meeting's minutes approved at the next one.

Scripted cases appear once each: a split vote, a tie, a recusal, a failed
motion, a defeated amendment; the Planning Board publishes draft minutes.
"""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from meetings import selectors
from meetings.models import AttendanceStatus, Meeting, Minutes, MotionKind
from meetings.services import live
from meetings.services.minutes import draft_minutes, write_discussion

DISCUSSION = [
    "<p>Staff presented the report and answered questions about costs and timing.</p>",
    "<p>Members asked about consultation with residents; staff confirmed two open houses were held.</p>",
    "<p>A delegation from the neighbourhood association spoke in support, asking for a "
    "<b>phased</b> approach.</p>",
    "<p>Discussion focused on the financial implications:</p><ul><li>capital cost</li>"
    "<li>operating impact</li><li>reserve funding</li></ul>",
]


class _Script:
    """Hands out the one-off cases to the first meetings that can take them."""

    def __init__(self) -> None:
        self.pending = {"tie", "recusal", "failed", "amendment"}

    def take(self, case: str) -> bool:
        if case in self.pending:
            self.pending.discard(case)
            return True
        return False


def hold_past_meetings(*, clerk, rng: random.Random) -> None:
    """Run every past, published meeting in date order."""
    script = _Script()
    previous: dict[int, Minutes] = {}
    past = (
        Meeting.objects.filter(starts_at__lt=timezone.now(), versions__isnull=False)
        .distinct()
        .prefetch_related("bodies")
        .order_by("starts_at")
    )
    for meeting in past:
        body = meeting.primary_body
        previous[body.pk] = _hold(meeting, rng, script, previous.get(body.pk), clerk)


def _hold(meeting: Meeting, rng, script: _Script, minutes_to_approve, clerk) -> Minutes:
    members = [m.person for m in selectors.voting_members(meeting)]
    start = timezone.localtime(meeting.starts_at)
    for person in members:
        roll = rng.random()
        if roll < 0.08:
            status, at = AttendanceStatus.ABSENT, None
        elif roll < 0.14:
            status, at = (
                AttendanceStatus.LATE,
                (start + datetime.timedelta(minutes=25)).time(),
            )
        else:
            status, at = AttendanceStatus.PRESENT, None
        live.record_attendance(meeting=meeting, person=person, status=status, at=at)
    present = [
        a.person for a in meeting.attendance.filter(status__in=("present", "late"))
    ]
    Meeting.objects.filter(pk=meeting.pk).update(called_to_order_at=meeting.starts_at)
    meeting.refresh_from_db()
    agenda = selectors.working_agenda(meeting)
    consent = [n.item for e in agenda for n in e.items if n.item.is_consent]
    if consent:
        _decide(
            meeting,
            present,
            MotionKind.CONSENT,
            "That the consent agenda be adopted.",
            consent_items=consent,
            votes="all_yes",
        )
    for entry in agenda:
        for numbered in entry.items:
            item = numbered.item
            if item.is_consent:
                continue
            if entry.section.title == "Adoption of minutes":
                if minutes_to_approve is not None:
                    item.approves_minutes = minutes_to_approve
                    item.save(update_fields=["approves_minutes"])
                _decide(
                    meeting,
                    present,
                    MotionKind.MAIN,
                    "That the minutes of the previous meeting be approved as circulated.",
                    item=item,
                    votes="all_yes",
                )
                continue
            _debate(meeting, present, item, rng, script)
    live.adjourn(meeting=meeting)
    # Services stamp the present moment; the demo dates it all at the meeting.
    end = meeting.starts_at + datetime.timedelta(minutes=rng.randint(75, 190))
    Meeting.objects.filter(pk=meeting.pk).update(adjourned_at=end, ends_at=end)
    minutes = draft_minutes(meeting=meeting)
    for entry in minutes.entries.all():
        write_discussion(entry=entry, discussion=rng.choice(DISCUSSION))
    return minutes


def _debate(meeting, present, item, rng, script: _Script) -> None:
    text = f"That the recommendations in the report on “{item.title}” be adopted."
    if len(present) >= 5 and script.take("amendment"):
        main = live.move_motion(
            meeting=meeting,
            kind=MotionKind.MAIN,
            text=text,
            mover=present[1],
            seconder=present[2],
            item=item,
        )
        amendment = live.move_motion(
            meeting=meeting,
            kind=MotionKind.AMENDMENT,
            amends=main,
            text="Add: and that staff report back within six months.",
            mover=present[3],
            seconder=present[4],
        )
        _vote(amendment, present, pattern=["no"] * (len(present) - 2) + ["yes", "yes"])
        _vote(main, present, pattern=None, rng=rng)
        return
    if len(present) % 2 == 0 and len(present) >= 4 and script.take("tie"):
        half = len(present) // 2
        _decide(
            meeting,
            present,
            MotionKind.MAIN,
            text,
            item=item,
            votes=["yes"] * half + ["no"] * half,
        )
    elif script.take("failed"):
        _decide(
            meeting,
            present,
            MotionKind.MAIN,
            text,
            item=item,
            votes=["no"] * (len(present) - 2) + ["yes", "yes"],
        )
    elif len(present) >= 3 and script.take("recusal"):
        _decide(meeting, present, MotionKind.MAIN, text, item=item, votes="recusal")
    else:
        _decide(meeting, present, MotionKind.MAIN, text, item=item, votes=rng)


def _decide(meeting, present, kind, text, *, item=None, consent_items=(), votes):
    motion = live.move_motion(
        meeting=meeting,
        kind=kind,
        text=text,
        mover=present[0],
        seconder=present[1] if len(present) > 1 else None,
        item=item,
        consent_items=consent_items,
    )
    if votes == "all_yes":
        _vote(motion, present, pattern=["yes"] * len(present))
    elif votes == "recusal":
        _vote(
            motion,
            present,
            pattern=["recused"] + ["yes"] * (len(present) - 1),
            conflict="Owns property within the area affected",
        )
    elif isinstance(votes, list):
        _vote(motion, present, pattern=votes)
    else:
        _vote(motion, present, pattern=None, rng=votes)


def _vote(motion, present, *, pattern, rng=None, conflict="") -> None:
    live.open_vote(motion=motion, quorum_override_reason="Recorded in the demo")
    for index, person in enumerate(present):
        if pattern is not None:
            option = pattern[index]
        else:
            option = rng.choices(["yes", "no", "abstain"], weights=[80, 15, 5])[0]
        live.record_vote(
            motion=motion,
            person=person,
            option=option,
            conflict_declared=conflict if option == "recused" else "",
        )
    live.close_vote(
        motion=motion, at=motion.meeting.starts_at + datetime.timedelta(minutes=40)
    )
