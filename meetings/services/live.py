"""Recording a meeting as it happens: attendance, motions and votes.

Every call saves at once and validates against the database, so a reload or
a second clerk's browser sees the same state, and two clerks recording at
the same moment can neither lose nor double a vote.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from council.models import Person
from council.visibility import Visibility
from meetings import selectors
from meetings.models import (
    IN_THE_ROOM,
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Meeting,
    MeetingStatus,
    Motion,
    MotionKind,
    MotionResult,
    MotionStatus,
    PersonVote,
    Requirement,
    VoteOption,
    VoteRule,
)
from meetings.services.filing import record_meeting_held
from meetings.services.minutes import approve_minutes_on_item
from meetings.voting import decide

DEFAULT_REQUIREMENTS = {MotionKind.RECONSIDER: Requirement.TWO_THIRDS}


def _member_or_refuse(meeting: Meeting, person: Person) -> None:
    if not selectors.voting_members(meeting).filter(person=person).exists():
        raise ValidationError(
            _("%(person)s is not a voting member of %(body)s on %(date)s.")
            % {
                "person": person,
                "body": meeting.body_names,
                "date": selectors.meeting_date(meeting),
            }
        )


@transaction.atomic
def record_attendance(
    *, meeting: Meeting, person: Person, status: str, at: datetime.time | None = None
) -> Attendance:
    """Mark a member present, absent, late (with arrival), remote or left early."""
    _member_or_refuse(meeting, person)
    at = at or timezone.localtime().time().replace(second=0, microsecond=0)
    attendance, _created = Attendance.objects.select_for_update().get_or_create(
        meeting=meeting, person=person, defaults={"status": status}
    )
    attendance.status = status
    if status == AttendanceStatus.LATE:
        attendance.arrived_at = at
    if status == AttendanceStatus.LEFT_EARLY:
        attendance.left_at = at
    attendance.save()
    if meeting.status in (MeetingStatus.SCHEDULED, MeetingStatus.AGENDA_PUBLISHED):
        Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.HELD)
    return attendance


def requirement_for(meeting: Meeting, kind: str) -> str:
    """The body's rule for this kind of motion, or the usual one."""
    rule = VoteRule.objects.filter(body__in=meeting.bodies.all(), kind=kind).first()
    if rule is not None:
        return rule.requirement
    return DEFAULT_REQUIREMENTS.get(kind, Requirement.MAJORITY_OF_VOTES_CAST)


@transaction.atomic
def move_motion(
    *,
    meeting: Meeting,
    kind: str,
    text: str,
    mover: Person,
    seconder: Person | None = None,
    item: AgendaItem | None = None,
    amends: Motion | None = None,
    consent_items: list[AgendaItem] | tuple = (),
) -> Motion:
    """Put a motion on the floor. Amendments and substitutes name the motion
    they change; a consent motion names the consent items it passes."""
    if not text.strip():
        raise ValidationError(_("Write the motion's text."))
    for person in filter(None, (mover, seconder)):
        _member_or_refuse(meeting, person)
    if seconder is not None and seconder == mover:
        raise ValidationError(_("A member cannot second their own motion."))
    if kind in (MotionKind.AMENDMENT, MotionKind.SUBSTITUTE):
        if amends is None or amends.status != MotionStatus.PENDING:
            raise ValidationError(
                _("An amendment must name a motion that is still on the floor.")
            )
        item = item or amends.item
    if kind == MotionKind.CONSENT and not consent_items:
        raise ValidationError(_("Choose the consent items this motion passes."))
    items = [item] if item else list(consent_items)
    confidential = any(i.visibility != Visibility.PUBLIC for i in items)
    motion = Motion.objects.create(
        meeting=meeting,
        item=item,
        amends=amends,
        kind=kind,
        text=text.strip(),
        mover=mover,
        seconder=seconder,
        requirement=requirement_for(meeting, kind),
        visibility=Visibility.CONFIDENTIAL if confidential else Visibility.PUBLIC,
    )
    if consent_items:
        motion.consent_items.set(consent_items)
    return motion


def _locked(motion: Motion) -> Motion:
    return Motion.objects.select_for_update().get(pk=motion.pk)


@transaction.atomic
def open_vote(*, motion: Motion, quorum_override_reason: str = "") -> Motion:
    """Call the vote. Without quorum it is refused unless the clerk records
    why it is being taken anyway."""
    motion = _locked(motion)
    if motion.status != MotionStatus.PENDING:
        raise ValidationError(_("This motion is not on the floor."))
    quorum = selectors.quorum_status(motion.meeting)
    if not quorum.has_quorum:
        if not quorum_override_reason.strip():
            raise ValidationError(
                _(
                    "No quorum: %(present)d present, %(needed)d needed. Record why "
                    "the vote is taken anyway, or wait for members to arrive."
                )
                % {"present": quorum.present, "needed": quorum.required}
            )
        motion.quorum_override_reason = quorum_override_reason.strip()
    motion.status = MotionStatus.VOTING
    motion.save(update_fields=["status", "quorum_override_reason"])
    return motion


def record_vote(
    *,
    motion: Motion,
    person: Person,
    option: str,
    conflict_declared: str = "",
    user=None,
    casting: bool = False,
) -> PersonVote:
    """Record one member's vote. Refuses non-members, second votes and votes
    on a motion whose vote is not open."""
    try:
        with transaction.atomic():
            locked = _locked(motion)
            if locked.status != MotionStatus.VOTING:
                raise ValidationError(
                    _("The vote on this motion is not open (it is “%(status)s”).")
                    % {"status": locked.get_status_display()}
                )
            _member_or_refuse(locked.meeting, person)
            if option == VoteOption.RECUSED and not conflict_declared.strip():
                raise ValidationError(
                    _("A recusal needs the declared conflict of interest.")
                )
            return PersonVote.objects.create(
                motion=locked,
                person=person,
                option=option,
                conflict_declared=conflict_declared.strip(),
                is_casting_vote=casting,
                recorded_by=user,
            )
    except IntegrityError:
        raise ValidationError(
            _("%(person)s has already voted on this motion.") % {"person": person}
        ) from None


@transaction.atomic
def close_vote(
    *,
    motion: Motion,
    casting_vote: str | None = None,
    user=None,
    at: datetime.datetime | None = None,
) -> Motion:
    """Close the vote: members who did not vote are recorded as absent (not
    in the room) or abstaining, and the outcome is computed with its reason.
    `at` dates the decision when it is recorded after the fact."""
    motion = _locked(motion)
    if motion.status != MotionStatus.VOTING:
        raise ValidationError(_("The vote on this motion is not open."))
    meeting = motion.meeting
    in_room = set(
        meeting.attendance.filter(status__in=IN_THE_ROOM).values_list(
            "person_id", flat=True
        )
    )
    voted = set(motion.votes.values_list("person_id", flat=True))
    for membership in selectors.voting_members(meeting).exclude(person_id__in=voted):
        option = (
            VoteOption.ABSTAIN if membership.person_id in in_room else VoteOption.ABSENT
        )
        PersonVote.objects.create(
            motion=motion,
            person_id=membership.person_id,
            option=option,
            recorded_by=user,
        )
    chair_breaks_ties = any(body.chair_breaks_ties for body in meeting.bodies.all())
    outcome = decide(
        requirement=motion.requirement,
        tally=selectors.tally(motion),
        present=len(in_room),
        seats=selectors.seat_count(meeting),
        chair_breaks_ties=chair_breaks_ties,
        casting_vote=casting_vote,
    )
    if casting_vote and chair_breaks_ties:
        chair = selectors.chair(meeting)
        if chair is not None:
            PersonVote.objects.create(
                motion=motion,
                person=chair,
                option=casting_vote,
                is_casting_vote=True,
                recorded_by=user,
            )
    motion.status = MotionStatus.CLOSED
    motion.result = MotionResult.PASSED if outcome.passed else MotionResult.FAILED
    motion.result_reason = outcome.reason
    motion.decided_at = at or timezone.now()
    motion.save(update_fields=["status", "result", "result_reason", "decided_at"])
    approve_minutes_on_item(motion)
    return motion


@transaction.atomic
def override_result(*, motion: Motion, result: str, reason: str) -> Motion:
    """The chair rules differently from the computed outcome; the reason is kept."""
    motion = _locked(motion)
    if motion.status != MotionStatus.CLOSED:
        raise ValidationError(_("Only a decided motion's result can be overridden."))
    if not reason.strip():
        raise ValidationError(_("Record why the result is overridden."))
    motion.result = result
    motion.override_reason = reason.strip()
    motion.save(update_fields=["result", "override_reason"])
    return motion


@transaction.atomic
def withdraw_motion(*, motion: Motion) -> Motion:
    motion = _locked(motion)
    if motion.status != MotionStatus.PENDING:
        raise ValidationError(_("Only a motion on the floor can be withdrawn."))
    motion.status = MotionStatus.WITHDRAWN
    motion.save(update_fields=["status"])
    return motion


def take_up_item(*, meeting: Meeting, item: AgendaItem | None) -> Meeting:
    """The chair moves the meeting to an agenda item (or none)."""
    if item is not None and item.section.meeting_id != meeting.pk:
        raise ValidationError(_("That item is not on this meeting's agenda."))
    meeting.current_item = item
    if meeting.called_to_order_at is None:
        meeting.called_to_order_at = timezone.now()
    meeting.save(update_fields=["current_item", "called_to_order_at"])
    return meeting


@transaction.atomic
def adjourn(*, meeting: Meeting) -> Meeting:
    """Close the meeting; a vote still open must be closed first."""
    if meeting.motions.filter(status=MotionStatus.VOTING).exists():
        raise ValidationError(_("Close the open vote before adjourning."))
    meeting.adjourned_at = timezone.now()
    meeting.ends_at = meeting.adjourned_at
    meeting.status = MeetingStatus.HELD
    meeting.current_item = None
    meeting.save(update_fields=["adjourned_at", "ends_at", "status", "current_item"])
    record_meeting_held(meeting)
    return meeting
