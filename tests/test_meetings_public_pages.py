"""Public meeting pages: lists, agendas in HTML, downloads, and no leaks."""

from __future__ import annotations

import pytest

from council.visibility import Role
from meetings.models import PackEdition
from tests.factories import MembershipFactory, PersonFactory, UserFactory
from tests.meetings_support import add_item_with_pdf, council_meeting

pytestmark = pytest.mark.django_db

SECRET = "Settlement with Thistlewood Paving"


@pytest.fixture
def published(publish):
    meeting = council_meeting(days_ahead=10)
    add_item_with_pdf(meeting, "New business", "Library renovation", "Library plans")
    secret_item = add_item_with_pdf(
        meeting, "Closed session", SECRET, f"{SECRET} terms"
    )
    version = publish(meeting=meeting, user=UserFactory(roles=[Role.CLERK]))
    return meeting, version, secret_item


def detail_url(meeting) -> str:
    return f"/meetings/{meeting.pk}/"


def test_meeting_list_and_filters(client, published):
    meeting, _version, _item = published
    other = council_meeting(days_ahead=20)

    html = client.get("/meetings/").content.decode()
    assert detail_url(meeting) in html and detail_url(other) in html

    filtered = client.get(
        f"/meetings/?body={meeting.primary_body.slug}"
    ).content.decode()
    assert detail_url(meeting) in filtered and detail_url(other) not in filtered
    year = meeting.starts_at.year
    assert detail_url(meeting) in client.get(f"/meetings/?year={year}").content.decode()
    assert (
        detail_url(meeting)
        not in client.get(f"/meetings/?year={year - 5}").content.decode()
    )


def test_anonymous_visitors_see_the_public_agenda_and_no_confidential_item(
    client, published
):
    meeting, version, secret_item = published

    html = client.get(detail_url(meeting)).content.decode()

    assert "Library renovation" in html and "Version 1" in html
    assert "Closed session" in html  # the section is announced ...
    assert "Thistlewood" not in html  # ... its items are not
    public_pack = version.packs.get(edition=PackEdition.PUBLIC)
    members_pack = version.packs.get(edition=PackEdition.MEMBERS)
    assert f"/files/{public_pack.record_id}/" in html
    assert f"/files/{members_pack.record_id}/" not in html


def test_confidential_files_are_not_served_to_the_public(client, published):
    meeting, version, secret_item = published
    members_pack = version.packs.get(edition=PackEdition.MEMBERS)
    secret_file = secret_item.attachments.get().record

    assert client.get(f"/files/{members_pack.record_id}/").status_code == 404
    assert client.get(f"/files/{secret_file.pk}/").status_code == 404
    public_pack = version.packs.get(edition=PackEdition.PUBLIC)
    response = client.get(f"/files/{public_pack.record_id}/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_members_of_the_body_see_the_closed_session_item_and_members_pack(
    client, published
):
    meeting, version, _secret_item = published
    user = UserFactory(roles=[Role.MEMBER])
    MembershipFactory(body=meeting.primary_body, person=PersonFactory(user=user))
    client.force_login(user)

    html = client.get(detail_url(meeting)).content.decode()

    assert SECRET in html
    members_pack = version.packs.get(edition=PackEdition.MEMBERS)
    assert client.get(f"/files/{members_pack.record_id}/").status_code == 200


def test_members_of_another_body_do_not(client, published):
    meeting, _version, _item = published
    user = UserFactory(roles=[Role.MEMBER])
    MembershipFactory(person=PersonFactory(user=user))
    client.force_login(user)

    assert "Thistlewood" not in client.get(detail_url(meeting)).content.decode()


def test_unpublished_agendas_say_so(client):
    meeting = council_meeting(days_ahead=30)

    html = client.get(detail_url(meeting)).content.decode()

    assert "has not been published yet" in html


def test_superseded_versions_stay_available(client, published, publish):
    meeting, _version, _item = published
    add_item_with_pdf(meeting, "New business", "Bridge repairs", "Bridge")
    publish(meeting=meeting, user=UserFactory(roles=[Role.CLERK]))

    latest = client.get(detail_url(meeting)).content.decode()
    first = client.get(detail_url(meeting) + "?version=1").content.decode()

    assert "Bridge repairs" in latest and "New or changed" in latest
    assert "Bridge repairs" not in first and "superseded" in first
    assert client.get(detail_url(meeting) + "?version=9").status_code == 404
