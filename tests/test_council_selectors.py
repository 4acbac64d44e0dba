"""Who sits where on a date; quorum from the body's rule."""

from __future__ import annotations

import datetime

import pytest

from council import selectors, services
from council.models import MembershipRole, QuorumRule
from tests.factories import BodyFactory, MembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def council():
    """A 5-seat body: seat 1 changed hands mid-term, seat 5 is vacant."""
    body = BodyFactory(name="Council", seats=5)
    seats = list(body.seats.all())
    people = {}
    for name, seat, start, end in [
        ("resigned", seats[0], D(2022, 11, 15), D(2024, 6, 30)),
        ("by-election", seats[0], D(2024, 9, 16), None),
        ("chair", seats[1], D(2022, 11, 15), None),
        ("three", seats[2], D(2022, 11, 15), None),
        ("four", seats[3], D(2022, 11, 15), D(2026, 11, 14)),
    ]:
        people[name] = PersonFactory(family_name=name)
        role = MembershipRole.CHAIR if name == "chair" else MembershipRole.MEMBER
        services.start_membership(
            person=people[name],
            body=body,
            seat=seat,
            role=role,
            start_date=start,
            end_date=end,
        )
    return body, people


def names(memberships):
    return [m.person.family_name for m in memberships]


def test_current_members_on_a_date(council):
    body, _people = council

    assert names(selectors.current_members(body, D(2023, 1, 1))) == [
        "resigned",
        "chair",
        "three",
        "four",
    ]
    # During the vacancy nobody holds seat 1.
    assert names(selectors.current_members(body, D(2024, 8, 1))) == [
        "chair",
        "three",
        "four",
    ]
    assert names(selectors.current_members(body, D(2027, 1, 1))) == [
        "by-election",
        "chair",
        "three",
    ]


def test_the_first_and_last_days_of_a_term_count(council):
    body, _people = council

    assert "resigned" in names(selectors.current_members(body, D(2024, 6, 30)))
    assert "resigned" not in names(selectors.current_members(body, D(2024, 7, 1)))
    assert "by-election" in names(selectors.current_members(body, D(2024, 9, 16)))


def test_seating_chart_shows_vacant_seats_and_ex_officio_members(council):
    body, _people = council
    mayor = PersonFactory(family_name="mayor")
    services.start_membership(
        person=mayor,
        body=body,
        role=MembershipRole.EX_OFFICIO,
        start_date=D(2022, 11, 15),
    )

    chart = selectors.seating_chart(body, D(2024, 8, 1))

    assert [
        (
            e.seat.label if e.seat else None,
            e.membership.person.family_name if e.membership else None,
        )
        for e in chart
    ] == [
        ("Seat 1", None),
        ("Seat 2", "chair"),
        ("Seat 3", "three"),
        ("Seat 4", "four"),
        ("Seat 5", None),
        (None, "mayor"),
    ]


def test_person_roles_and_bodies_over_time(council):
    body, people = council
    committee = BodyFactory(name="Finance")
    services.start_membership(
        person=people["three"],
        body=committee,
        seat=committee.seats.first(),
        role=MembershipRole.VICE_CHAIR,
        start_date=D(2025, 1, 1),
        end_date=D(2025, 12, 31),
    )

    roles = selectors.person_roles(people["three"])

    assert [(m.body.name, m.role) for m in roles] == [
        ("Finance", MembershipRole.VICE_CHAIR),
        ("Council", MembershipRole.MEMBER),
    ]
    assert set(selectors.person_bodies(people["three"], D(2025, 6, 1))) == {
        body,
        committee,
    }
    assert set(selectors.person_bodies(people["three"], D(2026, 6, 1))) == {body}


def test_former_members(council):
    body, _people = council

    assert names(selectors.former_members(body, D(2027, 1, 1))) == ["four", "resigned"]


@pytest.mark.parametrize(
    ("rule", "fixed", "on", "expected"),
    [
        (QuorumRule.MAJORITY_OF_SEATS, None, D(2023, 1, 1), 3),  # 5 seats
        (QuorumRule.TWO_THIRDS_OF_SEATS, None, D(2023, 1, 1), 4),
        (QuorumRule.FIXED, 2, D(2023, 1, 1), 2),
        (QuorumRule.MAJORITY_OF_MEMBERS, None, D(2023, 1, 1), 3),  # 4 in office
        (QuorumRule.MAJORITY_OF_MEMBERS, None, D(2024, 8, 1), 2),  # 3 in office
    ],
)
def test_quorum_follows_the_body_rule(council, rule, fixed, on, expected):
    body, _people = council
    body.quorum_rule, body.quorum_fixed_number = rule, fixed
    body.save()

    assert selectors.quorum_required(body, on) == expected


def test_ex_officio_members_do_not_count_towards_members_in_office():
    body = BodyFactory(seats=3, quorum_rule=QuorumRule.MAJORITY_OF_MEMBERS)
    MembershipFactory(body=body, start_date=D(2023, 1, 1))
    services.start_membership(
        person=PersonFactory(),
        body=body,
        role=MembershipRole.EX_OFFICIO,
        start_date=D(2023, 1, 1),
    )

    assert selectors.quorum_required(body, D(2024, 1, 1)) == 1
