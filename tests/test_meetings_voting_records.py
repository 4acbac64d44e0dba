"""Public voting records and open-data exports; closed-session votes never
leave the closed session."""

from __future__ import annotations

import csv
import io

import pytest

from council.visibility import Role
from meetings.services.minutes import draft_minutes
from meetings.services.publishing import publish_agenda
from tests.factories import UserFactory
from tests.meetings_support import HELD_SECRET, approve_at_next_meeting

pytestmark = pytest.mark.django_db


def person_page(person) -> str:
    return f"/council/people/{person.slug}/"


def test_member_page_shows_attendance_votes_and_majority_rate(client, held):
    meeting, members, _item = held

    html = client.get(person_page(members[3])).content.decode()

    assert "Attendance and votes" in html
    assert "100%</strong> attendance" in html
    # Member 3 voted no on the public motion, which carried.
    assert "0%</strong> of 1 votes with the outcome" in html
    assert "Library hours" in html
    assert "Wrenfield" not in html


def test_meeting_page_shows_each_members_public_vote(client, held):
    meeting, _members, _item = held
    publish_agenda(
        meeting=meeting,
        user=UserFactory(roles=[Role.CLERK]),
        late_notice_reason="Held already",
    )

    html = client.get(f"/meetings/{meeting.pk}/").content.decode()

    assert "Carried 3–1 (majority of votes cast)" in html
    assert "Member Number3: No" in html
    assert "Wrenfield" not in html


def test_csv_and_json_exports_hold_public_votes_only(client, held):
    meeting, members, _item = held

    rows = list(
        csv.DictReader(io.StringIO(client.get("/data/votes.csv").content.decode()))
    )
    events = client.get("/data/votes.json").json()["vote_events"]

    assert {row["item"] for row in rows} == {"Library hours"}
    assert len(rows) == 5
    assert len(events) == 1
    event = events[0]
    assert event["result"] == "pass"
    assert {"option": "yes", "value": 3} in event["counts"]
    assert len(event["votes"]) == 5
    assert "Wrenfield" not in str(events) and "Wrenfield" not in str(rows)


def test_members_of_the_body_see_closed_session_votes(client, held):
    meeting, members, _item = held
    user = UserFactory(roles=[Role.MEMBER])
    members[4].user = user
    members[4].save()
    client.force_login(user)

    events = client.get("/data/votes.json").json()["vote_events"]

    assert any(HELD_SECRET in e["motion"]["text"] for e in events)


def test_export_filters(client, held):
    meeting, members, _item = held

    by_person = client.get(f"/data/votes.csv?person={members[0].slug}").content.decode()
    failed = client.get("/data/votes.json?outcome=failed").json()["vote_events"]
    other_year = client.get("/data/votes.json?year=1999").json()["vote_events"]

    assert by_person.count("\n") == 2  # header and one vote
    assert failed == [] and other_year == []


def test_approved_minutes_appear_publicly_without_closed_items(client, held):
    meeting, members, item = held
    minutes = draft_minutes(meeting=meeting)
    entry = minutes.entries.get(item=item)
    entry.discussion = "<p>Residents spoke in favour.</p>"
    entry.save()
    assert (
        "Residents spoke" not in client.get(f"/meetings/{meeting.pk}/").content.decode()
    )

    approve_at_next_meeting(meeting, members, minutes)

    html = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "Residents spoke in favour." in html and "Minutes (PDF)" in html
    minutes.refresh_from_db()
    pdf = client.get(f"/files/{minutes.pdf_record_id}/")
    assert pdf.status_code == 200 and b"Wrenfield" not in b"".join(
        pdf.streaming_content
    )


def test_draft_minutes_are_public_only_where_the_body_allows(client, held):
    meeting, _members, item = held
    minutes = draft_minutes(meeting=meeting)
    entry = minutes.entries.get(item=item)
    entry.discussion = "<p>Draft summary.</p>"
    entry.save()
    body = meeting.primary_body
    body.publishes_draft_minutes = True
    body.save()

    html = client.get(f"/meetings/{meeting.pk}/").content.decode()

    assert (
        "Draft summary." in html and "have not been approved yet and may change" in html
    )


def test_member_page_filters_votes_by_outcome_and_year(client, held):
    meeting, members, _item = held

    carried = client.get(person_page(members[0]) + "?outcome=passed").content.decode()
    defeated = client.get(person_page(members[0]) + "?outcome=failed").content.decode()
    long_ago = client.get(person_page(members[0]) + "?year=1999").content.decode()

    assert "Library hours" in carried
    assert "Library hours" not in defeated and "No recorded votes" in defeated
    assert "Library hours" not in long_ago
