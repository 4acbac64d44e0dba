"""The public site: home, directory, body and person pages."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from council import services
from council.models import CouncilPage
from tests.factories import BodyFactory, MembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def body():
    body = BodyFactory(name="Finance Committee", slug="finance", seats=3)
    today = timezone.localdate()
    MembershipFactory(
        body=body,
        person=PersonFactory(given_name="Ada", family_name="Current", slug="ada"),
        start_date=today - datetime.timedelta(days=400),
    )
    MembershipFactory(
        body=body,
        person=PersonFactory(given_name="Bea", family_name="Former", slug="bea"),
        seat=body.seats.all()[1],
        start_date=today - datetime.timedelta(days=900),
        end_date=today - datetime.timedelta(days=500),
    )
    return body


def test_home_page_is_the_site_root_and_lists_bodies(client, body):
    response = client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Finance Committee" in html
    assert 'href="/council/bodies/finance/"' in html


def test_home_page_lists_the_next_meetings(client, body):
    from tests.meetings_support import council_meeting

    meeting = council_meeting(days_ahead=3, body=body)

    html = client.get("/").content.decode()

    assert "Next meetings" in html and f'href="/meetings/{meeting.pk}/"' in html


def test_pages_have_landmarks_a_skip_link_and_no_script_bundle(client, body):
    html = client.get("/").content.decode()

    assert '<a class="skip-link" href="#main">' in html
    for landmark in ("<header", "<nav", '<main id="main"', "<footer"):
        assert landmark in html
    assert "<script" not in html
    assert 'name="viewport"' in html


def test_body_page_shows_current_members_vacancies_and_former_members(client, body):
    response = client.get("/council/bodies/finance/")

    html = response.content.decode()
    assert response.status_code == 200
    current, former = html.split("Former members")
    assert "Ada Current" in current and "Bea Former" not in current
    assert "Vacant" in current
    assert "Bea Former" in former
    assert "Quorum: 2 members" in html


def test_person_page_lists_roles_and_terms(client, body):
    html = client.get("/council/people/bea/").content.decode()

    assert "Bea Former" in html
    assert "Earlier terms" in html and "Finance Committee" in html


def test_people_without_any_membership_have_no_public_page(client):
    PersonFactory(slug="private-citizen")

    assert client.get("/council/people/private-citizen/").status_code == 404
    assert client.get("/council/bodies/no-such-body/").status_code == 404


def test_people_index_lists_people_in_office(client, body):
    html = client.get("/council/people/").content.decode()

    assert "Ada Current" in html
    assert "Bea Former" not in html


def test_the_directory_page_is_in_the_menu(client, body):
    assert CouncilPage.objects.live().in_menu().exists()
    html = client.get("/council/").content.decode()
    assert 'aria-current="page"' in html


def test_upcoming_terms_are_listed_apart(client, body):
    person = PersonFactory(given_name="Cy", family_name="Elect", slug="cy")
    services.start_membership(
        person=person,
        body=body,
        seat=body.seats.all()[2],
        start_date=timezone.localdate() + datetime.timedelta(days=30),
    )

    html = client.get("/council/people/cy/").content.decode()

    assert "Upcoming roles" in html
    assert "No current roles." in html
