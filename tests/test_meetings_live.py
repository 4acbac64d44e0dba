"""Recording a meeting: attendance, quorum, motions and roll calls."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from council import services as council_services
from council.models import MembershipRole
from meetings import selectors
from meetings.models import (
    AttendanceStatus,
    MotionKind,
    MotionStatus,
    PersonVote,
    VoteRule,
)
from meetings.services import agenda, live
from meetings.services.schedules import create_meeting
from tests.factories import BodyFactory, PersonFactory

pytestmark = pytest.mark.django_db
A = AttendanceStatus


@pytest.fixture
def council():
    """A 5-seat council (quorum 3) meeting today; member 0 chairs."""
    body = BodyFactory(name="Council", seats=5)
    start = timezone.localdate() - datetime.timedelta(days=365)
    members = []
    for index, seat in enumerate(body.seats.all()):
        person = PersonFactory(family_name=f"Member{index}")
        council_services.start_membership(
            person=person,
            body=body,
            seat=seat,
            start_date=start,
            role=MembershipRole.CHAIR if index == 0 else MembershipRole.MEMBER,
        )
        members.append(person)
    meeting = create_meeting(bodies=[body], starts_at=timezone.now())
    section = agenda.add_section(meeting=meeting, title="New business")
    item = agenda.add_item(section=section, title="Budget")
    return meeting, members, item


def seat_all(meeting, members, status=A.PRESENT):
    for person in members:
        live.record_attendance(meeting=meeting, person=person, status=status)


def motion_on_the_floor(meeting, members, item, **fields):
    motion = live.move_motion(
        meeting=meeting,
        kind=MotionKind.MAIN,
        text="That the budget be adopted.",
        mover=members[1],
        seconder=members[2],
        item=item,
        **fields,
    )
    return live.open_vote(motion=motion)


def test_quorum_follows_attendance(council):
    meeting, members, _item = council

    assert selectors.quorum_status(meeting).required == 3
    seat_all(meeting, members[:2])
    assert not selectors.quorum_status(meeting).has_quorum
    live.record_attendance(meeting=meeting, person=members[2], status=A.LATE)
    assert selectors.quorum_status(meeting).has_quorum
    live.record_attendance(meeting=meeting, person=members[2], status=A.LEFT_EARLY)
    assert not selectors.quorum_status(meeting).has_quorum


def test_late_arrival_time_is_recorded(council):
    meeting, members, _item = council

    attendance = live.record_attendance(
        meeting=meeting, person=members[0], status=A.LATE, at=datetime.time(18, 40)
    )

    assert attendance.arrived_at == datetime.time(18, 40)


def test_a_roll_call_carries_with_its_reason(council):
    meeting, members, item = council
    seat_all(meeting, members)
    motion = motion_on_the_floor(meeting, members, item)
    for person, option in zip(
        members, ["yes", "yes", "yes", "no", "abstain"], strict=True
    ):
        live.record_vote(motion=motion, person=person, option=option)

    closed = live.close_vote(motion=motion)

    assert closed.status == MotionStatus.CLOSED and closed.result == "passed"
    assert closed.result_reason == "Carried 3–1 (majority of votes cast)"


def test_members_who_did_not_vote_are_absent_or_abstaining(council):
    meeting, members, item = council
    seat_all(meeting, members[:4])
    live.record_attendance(meeting=meeting, person=members[4], status=A.ABSENT)
    motion = motion_on_the_floor(meeting, members, item)
    live.record_vote(motion=motion, person=members[0], option="yes")

    live.close_vote(motion=motion)

    options = dict(motion.votes.values_list("person__family_name", "option"))
    assert options == {
        "Member0": "yes",
        "Member1": "abstain",
        "Member2": "abstain",
        "Member3": "abstain",
        "Member4": "absent",
    }


def test_a_recusal_needs_the_declared_conflict_and_is_not_a_vote_cast(council):
    meeting, members, item = council
    seat_all(meeting, members)
    motion = motion_on_the_floor(meeting, members, item)

    with pytest.raises(ValidationError, match="declared conflict"):
        live.record_vote(motion=motion, person=members[4], option="recused")
    live.record_vote(
        motion=motion,
        person=members[4],
        option="recused",
        conflict_declared="Owns the property next door",
    )
    for person in members[:2]:
        live.record_vote(motion=motion, person=person, option="yes")
    for person in members[2:4]:
        live.record_vote(motion=motion, person=person, option="no")
    closed = live.close_vote(motion=motion)

    assert closed.result == "failed" and "2–2: a tie fails" in closed.result_reason
    assert selectors.tally(motion).recused == 1


def test_the_chairs_casting_vote_breaks_a_tie_where_allowed(council):
    meeting, members, item = council
    body = meeting.primary_body
    body.chair_breaks_ties = True
    body.save()
    seat_all(meeting, members)
    motion = motion_on_the_floor(meeting, members, item)
    for person, option in zip(
        members, ["yes", "yes", "no", "no", "abstain"], strict=True
    ):
        live.record_vote(motion=motion, person=person, option=option)

    closed = live.close_vote(motion=motion, casting_vote="yes")

    assert closed.result == "passed" and "casting vote" in closed.result_reason
    assert motion.votes.get(is_casting_vote=True).person == members[0]


def test_votes_from_non_members_second_votes_and_closed_motions_are_refused(council):
    meeting, members, item = council
    seat_all(meeting, members)
    motion = motion_on_the_floor(meeting, members, item)
    live.record_vote(motion=motion, person=members[0], option="yes")

    with pytest.raises(ValidationError, match="not a voting member"):
        live.record_vote(motion=motion, person=PersonFactory(), option="yes")
    with pytest.raises(ValidationError, match="already voted"):
        live.record_vote(motion=motion, person=members[0], option="no")
    live.close_vote(motion=motion)
    with pytest.raises(ValidationError, match="not open"):
        live.record_vote(motion=motion, person=members[1], option="yes")
    assert motion.votes.get(person=members[0]).option == "yes"


def test_a_vote_without_quorum_needs_a_recorded_override(council):
    meeting, members, item = council
    seat_all(meeting, members[:2])
    motion = live.move_motion(
        meeting=meeting,
        kind=MotionKind.MAIN,
        text="That x.",
        mover=members[0],
        seconder=members[1],
        item=item,
    )

    with pytest.raises(ValidationError, match="No quorum: 2 present, 3 needed"):
        live.open_vote(motion=motion)
    opened = live.open_vote(motion=motion, quorum_override_reason="Emergency by-law")

    assert opened.status == MotionStatus.VOTING
    assert opened.quorum_override_reason == "Emergency by-law"


def test_amendments_and_the_bodys_vote_rules(council):
    meeting, members, item = council
    VoteRule.objects.create(
        body=meeting.primary_body,
        kind=MotionKind.AMENDMENT,
        requirement="majority_seats",
    )
    main = live.move_motion(
        meeting=meeting,
        kind=MotionKind.MAIN,
        text="That A.",
        mover=members[1],
        seconder=members[2],
        item=item,
    )

    amendment = live.move_motion(
        meeting=meeting,
        kind=MotionKind.AMENDMENT,
        text="Add B.",
        mover=members[3],
        amends=main,
    )
    reconsider = live.move_motion(
        meeting=meeting,
        kind=MotionKind.RECONSIDER,
        text="Reconsider.",
        mover=members[3],
        item=item,
    )

    assert amendment.item == item and amendment.requirement == "majority_seats"
    assert reconsider.requirement == "two_thirds"
    with pytest.raises(ValidationError, match="cannot second their own"):
        live.move_motion(
            meeting=meeting,
            kind=MotionKind.MAIN,
            text="That C.",
            mover=members[1],
            seconder=members[1],
            item=item,
        )


def test_a_consent_motion_passes_its_items_in_one_vote(council):
    meeting, members, _item = council
    consent = agenda.add_section(meeting=meeting, title="Consent", kind="consent")
    items = [agenda.add_item(section=consent, title=t) for t in ("Permits", "Grants")]
    seat_all(meeting, members)

    motion = live.move_motion(
        meeting=meeting,
        kind=MotionKind.CONSENT,
        text="That the consent items be adopted.",
        mover=members[1],
        seconder=members[2],
        consent_items=items,
    )
    live.open_vote(motion=motion)
    for person in members:
        live.record_vote(motion=motion, person=person, option="yes")
    motion = live.close_vote(motion=motion)

    assert motion.result == "passed"
    assert set(motion.consent_items.all()) == set(items)


@pytest.mark.django_db(transaction=True)
def test_two_clerks_recording_at_once_lose_and_double_nothing(council):
    """GIVEN two clerks' sessions recording the same roll call at the same time
    THEN every member's vote is stored exactly once."""
    meeting, members, item = council
    seat_all(meeting, members)
    motion = motion_on_the_floor(meeting, members, item)
    barrier = threading.Barrier(2)
    errors: list[str] = []

    def clerk(order):
        barrier.wait()
        try:
            for person in order:
                try:
                    live.record_vote(motion=motion, person=person, option="yes")
                except ValidationError as error:
                    errors.append(error.messages[0])
        finally:
            connection.close()

    threads = [
        threading.Thread(target=clerk, args=(o,)) for o in (members, members[::-1])
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert PersonVote.objects.filter(motion=motion).count() == len(members)
    assert len(errors) == len(members)
    assert all("already voted" in message for message in errors)


def test_a_ruling_against_the_computed_result_needs_a_reason(council):
    meeting, members, item = council
    seat_all(meeting, members)
    motion = motion_on_the_floor(meeting, members, item)
    for person in members:
        live.record_vote(motion=motion, person=person, option="yes")
    live.close_vote(motion=motion)

    with pytest.raises(ValidationError, match="Record why"):
        live.override_result(motion=motion, result="failed", reason=" ")
    ruled = live.override_result(
        motion=motion, result="failed", reason="Required a two-thirds vote under s. 12"
    )

    assert ruled.result == "failed" and "two-thirds" in ruled.override_reason
    assert ruled.result_reason == "Carried 5–0 (majority of votes cast)"


def test_the_console_records_actions_for_a_clerk_only(client, council):
    from council.visibility import Role
    from tests.factories import UserFactory

    meeting, members, _item = council
    url = f"/admin/meetings/{meeting.pk}/console/act/"
    data = {"action": "attendance", "person": members[0].pk, "status": "present"}

    client.force_login(UserFactory(roles=[Role.STAFF]))
    client.post(url, data)
    assert not meeting.attendance.exists()

    client.force_login(UserFactory(roles=[Role.CLERK]))
    response = client.post(url, data, HTTP_X_CONSOLE="1")
    assert (
        response.status_code == 200
        and "1 present, 3 needed" in response.content.decode()
    )
    bad = client.post(
        url,
        {"action": "vote", "motion": 999, "person": members[0].pk},
        HTTP_X_CONSOLE="1",
    )
    assert bad.status_code == 404
