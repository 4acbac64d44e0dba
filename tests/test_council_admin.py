"""Clerks manage the council domain in the Wagtail admin, under one menu."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from council.models import Membership
from council.visibility import Role
from tests.factories import BodyFactory, MembershipFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

MEMBERSHIP_ADD = "/admin/snippets/council/membership/add/"


def test_role_groups_exist_after_migrate_with_admin_access():
    for role in Role.values:
        assert Group.objects.filter(name=role).exists()
    clerk = UserFactory(roles=[Role.CLERK])
    assert clerk.has_perm("wagtailadmin.access_admin")
    assert clerk.has_perm("council.add_membership")
    staff = UserFactory(roles=[Role.STAFF])
    assert staff.has_perm("council.view_membership")
    assert not staff.has_perm("council.change_membership")
    assert not UserFactory(roles=[Role.MEMBER]).has_perm("council.view_membership")


def test_the_council_menu_groups_bodies_people_memberships_and_terms(client):
    client.force_login(UserFactory(roles=[Role.CLERK]))

    html = client.get("/admin/").content.decode()

    for url in (
        "council/body/",
        "council/person/",
        "council/membership/",
        "council/legislativeterm/",
    ):
        assert f"/admin/snippets/{url}" in html


def test_a_clerk_sees_the_overlap_message_in_the_admin_form(client):
    held = MembershipFactory(
        person=PersonFactory(given_name="Ann", family_name="Holder")
    )
    client.force_login(UserFactory(roles=[Role.CLERK]))

    response = client.post(
        MEMBERSHIP_ADD,
        {
            "person": PersonFactory().pk,
            "body": held.body.pk,
            "seat": held.seat.pk,
            "role": "member",
            "start_date": "2024-01-01",
        },
    )

    assert response.status_code == 200
    assert "is held by Ann Holder" in response.content.decode()
    assert Membership.objects.count() == 1


def test_a_clerk_adds_a_membership_through_the_admin(client):
    body = BodyFactory()
    client.force_login(UserFactory(roles=[Role.CLERK]))

    response = client.post(
        MEMBERSHIP_ADD,
        {
            "person": PersonFactory().pk,
            "body": body.pk,
            "seat": body.seats.first().pk,
            "role": "chair",
            "start_date": "2024-01-01",
        },
    )

    assert response.status_code == 302
    assert Membership.objects.get().role == "chair"


@pytest.mark.parametrize("role", [Role.STAFF, Role.RECORDS_MANAGER, Role.MEMBER])
def test_other_roles_cannot_add_memberships(client, role):
    client.force_login(UserFactory(roles=[role]))

    response = client.get(MEMBERSHIP_ADD)

    assert response.status_code in (302, 403)
    assert Membership.objects.count() == 0


def test_a_member_cannot_open_the_admin(client):
    client.force_login(UserFactory(roles=[Role.MEMBER]))

    response = client.get("/admin/")

    # Members have no admin access: they are sent to their meetings instead.
    assert response.status_code == 302
    assert response["Location"] == "/members/"
    assert client.get("/admin/", follow=True).redirect_chain[-1][0] == "/members/"
