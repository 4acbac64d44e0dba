"""The one visibility mechanism, for every role and every level."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from council import services
from council.visibility import Role, Visibility, can_view
from tests.factories import BodyFactory, MembershipFactory, PersonFactory, UserFactory
from tests.testapp.models import JointReport, Report

pytestmark = pytest.mark.django_db


@pytest.fixture
def reports():
    """One report per visibility level for each of two bodies."""
    council, board = BodyFactory(name="Council"), BodyFactory(name="Board")
    return {
        (body.name, level): Report.objects.create(
            title=f"{body.name} {level}", body=body, visibility=level
        )
        for body in (council, board)
        for level in Visibility.values
    } | {"council": council, "board": board}


def member_of(body, **membership):
    user = UserFactory(roles=[Role.MEMBER])
    MembershipFactory(body=body, person=PersonFactory(user=user), **membership)
    return user


def visible_titles(user):
    return sorted(Report.objects.visible_to(user).values_list("title", flat=True))


ALL_PUBLIC = ["Board public", "Council public"]
ALL_INTERNAL = ["Board internal", "Board public", "Council internal", "Council public"]
EVERYTHING = sorted(
    f"{body} {level}" for body in ("Council", "Board") for level in Visibility.values
)


def test_anonymous_users_see_only_public(reports):
    assert visible_titles(AnonymousUser()) == ALL_PUBLIC


def test_signed_in_users_without_a_role_see_only_public(reports):
    assert visible_titles(UserFactory()) == ALL_PUBLIC


def test_staff_see_public_and_internal(reports):
    assert visible_titles(UserFactory(roles=[Role.STAFF])) == ALL_INTERNAL


@pytest.mark.parametrize("role", [Role.CLERK, Role.RECORDS_MANAGER])
def test_clerks_and_records_managers_see_everything(reports, role):
    assert visible_titles(UserFactory(roles=[role])) == EVERYTHING


def test_superusers_see_everything(reports):
    assert visible_titles(UserFactory(is_superuser=True)) == EVERYTHING


def test_members_see_confidential_material_of_their_own_body_only(reports):
    member = member_of(reports["council"])

    assert visible_titles(member) == sorted([*ALL_INTERNAL, "Council confidential"])
    assert can_view(member, reports[("Council", Visibility.CONFIDENTIAL)])
    assert not can_view(member, reports[("Board", Visibility.CONFIDENTIAL)])


def test_a_member_group_without_a_seat_gives_no_confidential_access(reports):
    """GIVEN a user in the Member group who is linked to no current seat."""
    user = UserFactory(roles=[Role.MEMBER])

    assert visible_titles(user) == ALL_INTERNAL


def test_a_revoked_membership_takes_effect_on_the_next_query(reports):
    member = member_of(reports["council"], start_date=datetime.date(2020, 1, 1))
    secret = reports[("Council", Visibility.CONFIDENTIAL)]
    assert can_view(member, secret)

    membership = member.person.memberships.get()
    services.end_membership(
        membership=membership,
        end_date=timezone.localdate() - datetime.timedelta(days=1),
    )

    assert not can_view(member, secret)


def test_a_change_of_visibility_takes_effect_on_the_next_query(reports):
    report = reports[("Council", Visibility.PUBLIC)]
    assert can_view(AnonymousUser(), report)

    Report.objects.filter(pk=report.pk).update(visibility=Visibility.CONFIDENTIAL)

    assert not can_view(AnonymousUser(), report)


def test_a_future_membership_gives_no_access_yet(reports):
    member = member_of(
        reports["council"], start_date=timezone.localdate() + datetime.timedelta(days=3)
    )

    assert not can_view(member, reports[("Council", Visibility.CONFIDENTIAL)])


def test_objects_of_several_bodies_are_listed_once(reports):
    """A joint document is visible to members of any of its bodies, once."""
    council, board = reports["council"], reports["board"]
    joint = JointReport.objects.create(
        title="Joint", visibility=Visibility.CONFIDENTIAL
    )
    joint.bodies.set([council, board])
    member_of_both = member_of(council)
    MembershipFactory(body=board, person=member_of_both.person)

    assert list(JointReport.objects.visible_to(member_of_both)) == [joint]
    assert list(JointReport.objects.visible_to(member_of(board))) == [joint]
    assert list(JointReport.objects.visible_to(UserFactory(roles=[Role.STAFF]))) == []
    assert list(JointReport.objects.visible_to(AnonymousUser())) == []
