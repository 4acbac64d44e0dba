"""Shared fixtures for the members' reader, its annotations and the search
canaries that guard them (loaded as a pytest plugin from tests/conftest.py):
a meeting published with both packs, a clerk, two members of its body and
a member of another body.

Modules that need a different meeting, clerk or body define their own
fixture of that name, which takes precedence over these.
"""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from council import services as council_services
from council.visibility import Role
from meetings.models import PackEdition, PackStatus
from tests.factories import BodyFactory, PersonFactory, UserFactory
from tests.meetings_support import add_item_with_pdf, council_meeting

# The pages of the parks report, whose page 2 the annotation tests highlight.
PARKS = (
    "Parks master plan. Summary of the consultation.",
    "The budget for the new playground is 40,000 dollars. "
    "The budget for the splash pad is 90,000 dollars.",
    "Recommendation: that council adopt the plan.",
)


def member_of(body, name: str, seat_index: int, *, given_name="", **user_fields):
    """A user with the member role sitting on `body` since last year."""
    user = UserFactory(username=name, roles=[Role.MEMBER], **user_fields)
    person = PersonFactory(
        given_name=given_name or name.title(), family_name="Councillor", user=user
    )
    council_services.start_membership(
        person=person,
        body=body,
        seat=body.seats.all()[seat_index],
        start_date=timezone.localdate() - datetime.timedelta(days=400),
    )
    return user


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def pack_of(meeting, edition=PackEdition.MEMBERS, number: int | None = None):
    """The meeting's pack of that edition, in version `number` (default: the
    newest), compiled."""
    versions = meeting.versions.order_by("-number")
    version = versions.get(number=number) if number else versions.first()
    pack = version.packs.get(edition=edition)
    assert pack.status == PackStatus.READY, pack.error
    return pack


@pytest.fixture
def clerk():
    return UserFactory(username="clerk", roles=[Role.CLERK])


@pytest.fixture
def meeting(clerk, publish):
    """A meeting of a five-seat body whose agenda (version 1) is published
    with both packs: a consent item, the parks report, a transit study and
    a closed-session land sale."""
    meeting = council_meeting(days_ahead=10)
    add_item_with_pdf(meeting, "Consent agenda", "Permit activity", "Permits", "Table")
    add_item_with_pdf(meeting, "New business", "Parks master plan", *PARKS)
    add_item_with_pdf(meeting, "New business", "Transit study", "Bus routes", "Fares")
    add_item_with_pdf(meeting, "Closed session", "Land sale", "Appraisal")
    publish(meeting=meeting, user=clerk)
    return meeting


@pytest.fixture
def body(meeting):
    return meeting.primary_body


@pytest.fixture
def alice(body):
    return member_of(body, "alice", 0)


@pytest.fixture
def bob(body):
    return member_of(body, "bob", 1)


@pytest.fixture
def outsider():
    """A member of another body."""
    return member_of(BodyFactory(seats=2), "olga", 0)
