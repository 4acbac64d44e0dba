"""Membership rules: one holder per seat, one term per person and body,
one chair and vice-chair at a time."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from council import services
from council.models import Membership, MembershipRole
from tests.factories import BodyFactory, MembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def start(body, seat_index=0, **kwargs):
    seat = body.seats.all()[seat_index] if seat_index is not None else None
    defaults = {
        "person": PersonFactory(),
        "body": body,
        "seat": seat,
        "start_date": D(2022, 11, 15),
    }
    return services.start_membership(**(defaults | kwargs))


def test_overlapping_terms_in_one_seat_are_rejected_with_who_holds_it():
    body = BodyFactory(name="City Council")
    holder = start(body, end_date=D(2026, 11, 14))

    with pytest.raises(ValidationError) as caught:
        start(body, start_date=D(2026, 1, 1))

    message = " ".join(caught.value.message_dict["seat"])
    assert "Seat 1" in message and "City Council" in message
    assert holder.person.name in message
    assert "cannot overlap" in message
    assert Membership.objects.count() == 1


def test_a_term_that_starts_the_day_after_the_last_one_ends_is_accepted():
    body = BodyFactory()
    start(body, end_date=D(2026, 11, 14))

    successor = start(body, start_date=D(2026, 11, 15))

    assert successor.pk is not None


def test_sharing_only_the_last_day_is_an_overlap():
    body = BodyFactory()
    start(body, end_date=D(2026, 11, 14))

    with pytest.raises(ValidationError):
        start(body, start_date=D(2026, 11, 14))


def test_an_open_ended_term_blocks_every_later_start_in_the_seat():
    body = BodyFactory()
    start(body)  # no end date: still in office

    with pytest.raises(ValidationError):
        start(body, start_date=D(2040, 1, 1))


def test_a_term_ending_before_an_open_ended_one_begins_is_accepted():
    body = BodyFactory()
    start(body, start_date=D(2024, 1, 1))

    earlier = start(body, start_date=D(2020, 1, 1), end_date=D(2023, 12, 31))

    assert earlier.pk is not None


def test_a_person_cannot_hold_two_seats_of_one_body_at_once():
    body = BodyFactory()
    first = start(body, seat_index=0)

    with pytest.raises(ValidationError) as caught:
        start(body, seat_index=1, person=first.person, start_date=D(2024, 5, 1))

    assert "already a member" in str(caught.value)


def test_one_chair_at_a_time():
    body = BodyFactory()
    start(body, seat_index=0, role=MembershipRole.CHAIR)

    with pytest.raises(ValidationError) as caught:
        start(body, seat_index=1, role=MembershipRole.CHAIR)

    assert "already has a chair" in str(caught.value)
    assert start(body, seat_index=1, role=MembershipRole.VICE_CHAIR).pk


def test_a_seat_of_another_body_is_rejected():
    body, other = BodyFactory(), BodyFactory()

    with pytest.raises(ValidationError) as caught:
        services.start_membership(
            person=PersonFactory(),
            body=body,
            seat=other.seats.first(),
            start_date=D(2023, 1, 1),
        )

    assert "belongs to another body" in str(caught.value)


def test_voting_members_need_a_seat_and_ex_officio_members_hold_none():
    body = BodyFactory()

    with pytest.raises(ValidationError, match="Choose the seat"):
        start(body, seat_index=None)
    with pytest.raises(ValidationError, match="hold no seat"):
        start(body, role=MembershipRole.EX_OFFICIO)
    assert start(body, seat_index=None, role=MembershipRole.EX_OFFICIO).pk


def test_a_term_cannot_end_before_it_starts():
    with pytest.raises(ValidationError, match="cannot end before it starts"):
        start(BodyFactory(), start_date=D(2024, 1, 1), end_date=D(2023, 1, 1))


def test_ending_a_membership_frees_the_seat_from_the_next_day():
    body = BodyFactory()
    membership = MembershipFactory(body=body, start_date=D(2022, 11, 15))

    services.end_membership(membership=membership, end_date=D(2024, 6, 30))

    assert start(body, start_date=D(2024, 7, 1)).pk
    with pytest.raises(ValidationError):
        start(body, start_date=D(2024, 6, 30))


def test_editing_a_membership_does_not_collide_with_itself():
    membership = MembershipFactory(start_date=D(2022, 11, 15))
    membership.note = "Acclaimed"

    membership.full_clean()  # no overlap with its own saved row
