"""The agenda builder's endpoints, as a clerk's browser calls them."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from council.visibility import Role
from meetings.models import AgendaItem
from records.models import Record
from tests.factories import UserFactory
from tests.meetings_support import council_meeting, pdf_bytes, section

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk_client(client):
    client.force_login(UserFactory(roles=[Role.CLERK]))
    return client


@pytest.fixture
def meeting():
    return council_meeting()


def builder(meeting) -> str:
    return f"/admin/meetings/{meeting.pk}/agenda/"


def messages_of(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def test_only_clerks_open_the_builder(client, meeting):
    client.force_login(UserFactory(roles=[Role.STAFF]))

    response = client.get(builder(meeting))

    # Wagtail turns the refusal into a redirect to the dashboard.
    assert response.status_code in (302, 403)
    assert "Publish agenda" not in response.content.decode()


def test_the_builder_shows_the_numbered_agenda(clerk_client, meeting):
    clerk_client.post(
        f"{builder(meeting)}sections/{section(meeting, 'New business').pk}/items/",
        {"title": "Budget"},
    )

    html = clerk_client.get(builder(meeting)).content.decode()

    assert "3.a" in html and "Budget" in html
    assert "Publish agenda" in html


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.pdf", b"", "is empty"),
        ("broken.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog", "damaged"),
        ("program.pdf", b"MZ\x90\x00" + b"\x00" * 200, "is named as a pdf but is not"),
    ],
)
def test_bad_uploads_are_refused_with_a_message_and_leave_nothing(
    clerk_client, meeting, name, content, message
):
    item_url = (
        f"{builder(meeting)}sections/{section(meeting, 'New business').pk}/items/"
    )
    clerk_client.post(item_url, {"title": "Budget"})
    item = AgendaItem.objects.get(title="Budget")

    response = clerk_client.post(
        f"{builder(meeting)}items/{item.pk}/files/",
        {"file": SimpleUploadedFile(name, content), "title": "Report"},
        follow=True,
    )

    assert message in messages_of(response).lower()
    assert not Record.objects.exists() and not item.attachments.exists()


def test_a_good_upload_is_attached(clerk_client, meeting):
    clerk_client.post(
        f"{builder(meeting)}sections/{section(meeting, 'New business').pk}/items/",
        {"title": "Budget"},
    )
    item = AgendaItem.objects.get(title="Budget")

    response = clerk_client.post(
        f"{builder(meeting)}items/{item.pk}/files/",
        {
            "file": SimpleUploadedFile("budget.pdf", pdf_bytes("Budget", "Annex")),
            "title": "",
        },
        follow=True,
    )

    assert "attached" in messages_of(response)
    assert item.attachments.get().record.page_count == 2


def test_drag_and_drop_order_is_saved_and_checked(clerk_client, meeting):
    new_business = section(meeting, "New business")
    for title in ("A", "B"):
        clerk_client.post(
            f"{builder(meeting)}sections/{new_business.pk}/items/", {"title": title}
        )
    a, b = AgendaItem.objects.get(title="A"), AgendaItem.objects.get(title="B")
    layout = [
        {"section": s.pk, "items": [b.pk, a.pk] if s == new_business else []}
        for s in meeting.sections.all()
    ]

    ok = clerk_client.post(
        f"{builder(meeting)}order/", json.dumps(layout), "application/json"
    )
    bad = clerk_client.post(f"{builder(meeting)}order/", "not json", "application/json")

    assert ok.status_code == 200
    assert list(new_business.items.values_list("title", flat=True)) == ["B", "A"]
    assert bad.status_code == 400 and "could not be read" in bad.json()["error"]


def test_keyboard_moves(clerk_client, meeting):
    new_business = section(meeting, "New business")
    for title in ("A", "B"):
        clerk_client.post(
            f"{builder(meeting)}sections/{new_business.pk}/items/", {"title": title}
        )
    b = AgendaItem.objects.get(title="B")

    clerk_client.post(f"{builder(meeting)}items/{b.pk}/move/up/")

    assert list(new_business.items.values_list("title", flat=True)) == ["B", "A"]


def test_late_publishing_through_the_builder_asks_for_a_reason(clerk_client):
    meeting = council_meeting(days_ahead=1)

    response = clerk_client.post(f"{builder(meeting)}publish/", {}, follow=True)

    assert "notice period ended" in messages_of(response)
    assert not meeting.versions.exists()
