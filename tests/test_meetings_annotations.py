"""Members' annotations of board packs: the JSON-LD API and its permissions,
re-anchoring across pack versions, the retention policy and the export."""

from __future__ import annotations

import datetime
import io
import json

import pypdf
import pytest
from django.test import Client
from django.utils import timezone

from council import services as council_services
from council.scheduling import PERIODIC_TASKS
from council.visibility import Role
from meetings.models import Annotation, PackEdition
from meetings.models.annotations import Selection
from meetings.selectors import meeting_date
from meetings.services import agenda
from meetings.services import annotations as service
from meetings.tasks import purge_annotations_task
from records.models import AuditAction, AuditEvent
from records.services.holds import place_hold
from tests.factories import UserFactory, pdf_bytes
from tests.meetings_support import add_item_with_pdf, council_meeting
from tests.members_support import PARKS, client_for, pack_of

pytestmark = pytest.mark.django_db

LD = "application/ld+json"
SPLASH = "The budget for the splash pad"


# --- Builders ----------------------------------------------------------------


def attachment_record(meeting, title: str, number: int | None = None):
    version = pack_of(meeting, number=number).version
    return version.items.get(title=title).attachments.get().record


def pack_page_text(pack, page: int) -> str:
    with pack.record.file.open("rb") as handle:
        reader = pypdf.PdfReader(io.BytesIO(handle.read()))
        return reader.pages[page - 1].extract_text()


def file_url(record) -> str:
    return f"http://testserver/files/{record.pk}/"


def highlight(record, page: int = 2, **changes) -> dict:
    """A highlight with a note, as the reader posts it."""
    payload = {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "type": "Annotation",
        "motivation": "commenting",
        "body": {"type": "TextualBody", "value": "Ask about maintenance."},
        "target": {
            "source": file_url(record),
            "selector": {
                "type": "FragmentSelector",
                "value": f"page={page}",
                "refinedBy": [
                    {
                        "type": "TextQuoteSelector",
                        "exact": SPLASH,
                        "prefix": "40,000 dollars. ",
                        "suffix": " is 90,000",
                    }
                ],
            },
        },
    }
    payload.update(changes)
    return payload


def post(client, pack, payload, content_type=LD):
    return client.post(
        f"/api/annotations/packs/{pack.pk}/",
        data=json.dumps(payload),
        content_type=content_type,
    )


def patch(client, annotation_id, payload):
    return client.patch(
        f"/api/annotations/{annotation_id}/",
        data=json.dumps(payload),
        content_type=LD,
    )


def create(user, meeting, **changes):
    pack = pack_of(meeting)
    record = attachment_record(meeting, "Parks master plan")
    response = post(client_for(user), pack, highlight(record, **changes))
    assert response.status_code == 201, response.content
    return response.json()


def annotation_id(data: dict) -> int:
    return int(data["id"].rstrip("/").rsplit("/", 1)[1])


# --- Creating and the JSON-LD shape -------------------------------------------


def test_a_member_highlights_a_passage_and_gets_a_w3c_annotation_back(meeting, alice):
    """GIVEN a member of the body and the members' pack
    WHEN she highlights a passage on page 2 of the parks report with a note
    THEN she gets a W3C Web Annotation, anchored to the report and the pack."""
    pack = pack_of(meeting)
    record = attachment_record(meeting, "Parks master plan")

    response = post(client_for(alice), pack, highlight(record))

    assert response.status_code == 201, response.content
    assert response["Content-Type"].startswith(LD)
    data = response.json()
    assert response["Location"] == data["id"]
    assert data["id"].startswith("http://testserver/api/annotations/")
    assert data["@context"] == "http://www.w3.org/ns/anno.jsonld"
    assert data["type"] == "Annotation"
    assert data["motivation"] == "commenting"
    assert data["creator"] == {"type": "Person", "name": "Alice Councillor"}
    assert data["created"].endswith("Z") and data["modified"].endswith("Z")
    assert data["body"] == {
        "type": "TextualBody",
        "value": "Ask about maintenance.",
        "format": "text/plain",
        "purpose": "commenting",
    }
    target = data["target"]
    assert target["source"] == file_url(record)
    assert target["selector"]["value"] == "page=2"
    quote, position = target["selector"]["refinedBy"]
    assert quote["type"] == "TextQuoteSelector" and quote["exact"] == SPLASH
    # Offsets are measured in the report's own text of that page.
    page_text = record.text.split("\f")[1]
    assert position["type"] == "TextPositionSelector"
    assert page_text[position["start"] : position["end"]] == SPLASH
    extension = data["quorum"]
    assert extension["shared"] is False and extension["mine"] is True
    assert extension["orphaned"] is False and extension["packVersion"] == 1
    assert extension["packFile"] == file_url(pack.record)
    assert "splash pad" in pack_page_text(pack, extension["packPage"])


def test_a_pack_page_is_resolved_to_the_attachment_on_it(meeting, alice):
    pack = pack_of(meeting)
    record = attachment_record(meeting, "Parks master plan")
    pack_page = post(client_for(alice), pack, highlight(record)).json()["quorum"][
        "packPage"
    ]
    by_pack_page = highlight(record)
    by_pack_page["target"] = {
        "source": file_url(pack.record),
        "selector": [
            {"type": "FragmentSelector", "value": f"page={pack_page}"},
            {"type": "TextQuoteSelector", "exact": SPLASH},
        ],
    }

    data = post(client_for(alice), pack, by_pack_page).json()

    assert data["target"]["source"] == file_url(record)
    assert data["target"]["selector"]["value"] == "page=2"
    assert data["quorum"]["packPage"] == pack_page


def test_a_note_on_the_cover_targets_the_pack_itself(meeting, alice):
    pack = pack_of(meeting)
    payload = highlight(pack.record, page=1)
    payload["target"]["selector"]["refinedBy"] = [
        {"type": "FragmentSelector", "value": "xywh=percent:10,20,0,0"}
    ]

    data = post(client_for(alice), pack, payload).json()

    assert data["target"]["source"] == file_url(pack.record)
    assert data["quorum"]["packPage"] == 1
    assert data["target"]["selector"]["refinedBy"] == [
        {
            "type": "FragmentSelector",
            "conformsTo": "http://www.w3.org/TR/media-frags/",
            "value": "xywh=percent:10,20,0,0",
        }
    ]


def test_ink_round_trips_and_is_also_given_as_svg(meeting, alice):
    pack = pack_of(meeting)
    record = attachment_record(meeting, "Parks master plan")
    payload = highlight(record, page=3, motivation="drawing", body=None)
    strokes = [[[0.1, 0.2], [0.15, 0.25], [0.2, 0.2]], [[0.5, 0.5], [0.6, 0.6]]]
    payload["target"]["selector"]["refinedBy"] = [
        {"type": "InkSelector", "strokes": strokes}
    ]
    client = client_for(alice)

    data = post(client, pack, payload).json()
    refinements = data["target"]["selector"]["refinedBy"]
    assert refinements[0] == {"type": "InkSelector", "strokes": strokes}
    assert refinements[1]["type"] == "SvgSelector"
    assert "<polyline" in refinements[1]["value"]
    assert "body" not in data

    # What the server sent may be sent back as it is, with a change.
    data["body"] = {"type": "TextualBody", "value": "Circled", "format": "text/plain"}
    response = patch(client, annotation_id(data), data)
    assert response.status_code == 200, response.content
    assert response.json()["body"]["value"] == "Circled"
    assert response.json()["target"] == data["target"]


def test_a_clerk_may_annotate_the_members_pack(meeting, clerk):
    assert create(clerk, meeting)["creator"]["name"] == "clerk"


def test_the_pack_layout_places_converted_text_files_by_their_rendition(clerk, publish):
    meeting = council_meeting(days_ahead=10)
    item = add_item_with_pdf(meeting, "New business", "Budget", "Budget page 1")
    long_text = "\n".join(f"Line {n} of the memo." for n in range(150))
    agenda.attach_file(
        item=item, upload_name="memo.txt", data=io.BytesIO(long_text.encode())
    )
    add_item_with_pdf(meeting, "New business", "Zoning", "Zoning page 1", "Zoning 2")
    publish(meeting=meeting, user=clerk)
    pack = pack_of(meeting)

    placed = service.pack_layout(pack).attachments

    assert [a.title for a in placed] == [
        "Report on Budget",
        "memo.txt",
        "Report on Zoning",
    ]
    assert placed[1].page_count > 1  # the memo runs over several pages
    assert "Line 0 of the memo" in pack_page_text(pack, placed[1].first_page)
    assert "Zoning page 1" in pack_page_text(pack, placed[2].first_page)
    assert placed[2].last_page == pack.page_count


# --- Who may read, change and delete ----------------------------------------


def test_a_private_annotation_answers_404_to_everyone_else_like_a_missing_one(
    meeting, alice, bob, clerk
):
    """GIVEN Alice's private annotation
    WHEN Bob (same body) or a clerk guesses its id
    THEN they get exactly what a missing id gets, and it is untouched."""
    number = annotation_id(create(alice, meeting))
    missing = number + 1000

    for user in (bob, clerk):
        client = client_for(user)
        for target in (number, missing):
            url = f"/api/annotations/{target}/"
            answers = [
                client.get(url),
                patch(client, target, {"body": {"type": "TextualBody", "value": "x"}}),
                client.delete(url),
            ]
            assert [a.status_code for a in answers] == [404, 404, 404]
            assert answers[0].json() == {"error": "Nothing was found at this address."}
        listed = client.get(f"/api/annotations/packs/{pack_of(meeting).pk}/")
        assert listed.json()["total"] == 0

    assert Annotation.objects.get(pk=number).note == "Ask about maintenance."


def test_shared_annotations_are_read_by_the_body_and_clerks_and_changed_by_the_author(
    meeting, alice, bob, clerk
):
    number = annotation_id(create(alice, meeting))
    alices = client_for(alice)
    response = patch(alices, number, {"quorum": {"shared": True}})
    assert response.status_code == 200 and response.json()["quorum"]["shared"]
    pack_url = f"/api/annotations/packs/{pack_of(meeting).pk}/"

    for reader in (bob, clerk):
        client = client_for(reader)
        (item,) = client.get(pack_url).json()["first"]["items"]
        assert item["creator"]["name"] == "Alice Councillor"
        assert item["quorum"]["mine"] is False
        assert client.get(f"/api/annotations/{number}/").status_code == 200
        assert patch(client, number, {"quorum": {"shared": False}}).status_code == 403
        assert client.delete(f"/api/annotations/{number}/").status_code == 403

    assert patch(alices, number, {"quorum": {"shared": False}}).status_code == 200
    assert client_for(bob).get(f"/api/annotations/{number}/").status_code == 404
    assert alices.delete(f"/api/annotations/{number}/").status_code == 204
    assert not Annotation.objects.filter(pk=number).exists()


def test_members_of_another_body_and_staff_are_refused(meeting, alice, outsider):
    number = annotation_id(create(alice, meeting))
    patch(client_for(alice), number, {"quorum": {"shared": True}})
    record = attachment_record(meeting, "Parks master plan")
    staff = UserFactory(username="stan", roles=[Role.STAFF])

    for user in (outsider, staff):
        client = client_for(user)
        members = pack_of(meeting)
        # The confidential members' pack is not theirs to open at all.
        assert client.get(f"/api/annotations/packs/{members.pk}/").status_code == 404
        assert post(client, members, highlight(record)).status_code == 404
        assert client.get(f"/api/annotations/{number}/").status_code == 404
        # The public pack they may read, but not annotate.
        public = pack_of(meeting, PackEdition.PUBLIC)
        assert client.get(f"/api/annotations/packs/{public.pk}/").status_code == 403
        assert post(client, public, highlight(record)).status_code == 403


def test_without_a_session_every_url_answers_401_before_looking_anything_up(
    meeting, alice
):
    number = annotation_id(create(alice, meeting))
    pack = pack_of(meeting)
    client = Client()

    answers = [
        client.get(f"/api/annotations/packs/{pack.pk}/"),
        client.get("/api/annotations/packs/999999/"),
        client.get(f"/api/annotations/{number}/"),
        client.get("/api/annotations/999999/"),
        client.delete(f"/api/annotations/{number}/"),
        client.get(f"/api/annotations/meetings/{meeting.pk}/export.txt"),
    ]

    assert {a.status_code for a in answers} == {401}
    assert len({a.content for a in answers}) == 1
    assert Annotation.objects.filter(pk=number).exists()


def test_writes_need_the_csrf_token_the_reader_gets_with_the_list(meeting, alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    pack = pack_of(meeting)
    payload = highlight(attachment_record(meeting, "Parks master plan"))

    assert post(client, pack, payload).status_code == 403
    client.get(f"/api/annotations/packs/{pack.pk}/")
    token = client.cookies["csrftoken"].value
    response = client.post(
        f"/api/annotations/packs/{pack.pk}/",
        data=json.dumps(payload),
        content_type=LD,
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 201


# --- Strict input --------------------------------------------------------------


def _set(path: list, value):
    def change(payload: dict) -> dict:
        node = payload
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
        return payload

    return change


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_set(["motivation"], "liking"), "Unknown kind of annotation"),
        (_set(["colour"], "red"), "Unknown field “colour”"),
        (_set(["body", "format"], "text/html"), "Notes are plain text"),
        (_set(["body", "value"], "x" * 5001), "the limit is 5000"),
        (_set(["target", "selector", "value"], "page=9"), "Page 9 is not in"),
        (_set(["target", "selector", "value"], "p9"), "page=N"),
        (_set(["target", "source"], "http://testserver/meetings/"), "its files"),
        (
            _set(["target", "selector", "refinedBy"], [{"type": "CssSelector"}]),
            "Unsupported selector",
        ),
        (
            _set(
                ["target", "selector", "refinedBy"],
                [{"type": "TextQuoteSelector", "exact": 42}],
            ),
            "must be text",
        ),
        (
            _set(
                ["target", "selector", "refinedBy"],
                [{"type": "FragmentSelector", "value": "xywh=10,10,5,5"}],
            ),
            "xywh=percent",
        ),
        (
            _set(
                ["target", "selector", "refinedBy"],
                [{"type": "FragmentSelector", "value": "xywh=percent:90,10,20,5"}],
            ),
            "must lie on the page",
        ),
        (
            _set(
                ["target", "selector", "refinedBy"],
                [{"type": "InkSelector", "strokes": [[[0.1, 1.5]]]}],
            ),
            "Only ink annotations",
        ),
        (_set(["target"], None), "The target must be an object"),
    ],
)
def test_invalid_annotations_are_refused_with_a_clear_message(
    meeting, alice, change, message
):
    pack = pack_of(meeting)
    payload = change(highlight(attachment_record(meeting, "Parks master plan")))

    response = post(client_for(alice), pack, payload)

    assert response.status_code == 400
    assert message in response.json()["error"]
    assert not Annotation.objects.exists()


def test_ink_must_stay_on_the_page(meeting, alice):
    payload = highlight(attachment_record(meeting, "Parks master plan"))
    payload["motivation"] = "drawing"
    payload["target"]["selector"]["refinedBy"] = [
        {"type": "InkSelector", "strokes": [[[0.1, 1.5]]]}
    ]

    response = post(client_for(alice), pack_of(meeting), payload)

    assert response.status_code == 400
    assert "fractions of the page" in response.json()["error"]


def test_only_json_is_accepted(meeting, alice):
    client = client_for(alice)
    pack = pack_of(meeting)
    url = f"/api/annotations/packs/{pack.pk}/"

    assert post(client, pack, highlight(pack.record), "text/plain").status_code == 415
    for body in ("{not json", '{"motivation": NaN}', "[]"):
        response = client.post(url, data=body, content_type="application/json")
        assert response.status_code == 400


# --- Notes are plain text -----------------------------------------------------


def test_html_in_a_note_is_text_in_json_and_escaped_in_the_html_export(meeting, alice):
    note = "<script>alert('x')</script>\nSecond line & more"
    created = create(alice, meeting, body={"type": "TextualBody", "value": note})
    client = client_for(alice)

    assert created["body"]["value"] == note
    fetched = client.get(f"/api/annotations/{annotation_id(created)}/")
    assert fetched.json()["body"]["value"] == note

    page = client.get(f"/api/annotations/meetings/{meeting.pk}/export.html")
    html = page.content.decode()
    assert page.status_code == 200
    assert "<script>alert" not in html
    assert (
        "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;<br>Second line &amp; more"
        in html
    )

    text = client.get(f"/api/annotations/meetings/{meeting.pk}/export.txt")
    assert text["Content-Type"] == "text/plain; charset=utf-8"
    assert "attachment;" in text["Content-Disposition"]
    assert "    <script>alert('x')</script>" in text.content.decode()


def test_the_text_export_has_page_quote_and_note_of_ones_own_annotations(
    meeting, alice, bob
):
    create(alice, meeting)
    create(bob, meeting, body={"type": "TextualBody", "value": "Bob's own"})

    text = service.export_annotations_text(alice, meeting)

    assert "Annotations by Alice Councillor" in text
    assert "(Report on Parks master plan, page 2) · Note" in text
    assert f"“{SPLASH}”" in text
    assert "    Ask about maintenance." in text
    assert "Bob's own" not in text


# --- Across pack versions ----------------------------------------------------


def test_an_addendum_inserting_an_item_moves_annotations_to_their_new_pages(
    meeting, alice, clerk, publish
):
    """GIVEN a highlight on the parks report, ink on its last page and a note
    on the cover of version 1
    WHEN an addendum inserts an item before the parks report
    THEN in version 2 each sits on the same text at its new page."""
    highlighted = annotation_id(create(alice, meeting))
    ink = highlight(attachment_record(meeting, "Parks master plan"), page=3)
    ink.update(motivation="drawing", body=None)
    ink["target"]["selector"]["refinedBy"] = [
        {"type": "InkSelector", "strokes": [[[0.1, 0.1], [0.2, 0.2]]]}
    ]
    v1 = pack_of(meeting)
    drawn = annotation_id(post(client_for(alice), v1, ink).json())
    cover = service.create_annotation(
        author=alice, pack=v1, motivation="bookmarking", page=1
    )
    separator = service.create_annotation(
        author=alice, pack=v1, motivation="bookmarking", page=v1.item_pages["3.b"]
    )
    old_page = Annotation.objects.get(pk=highlighted).pack_page

    add_item_with_pdf(
        meeting, "Consent agenda", "Road closures", "Closures 1", "Closures 2"
    )
    publish(meeting=meeting, user=clerk, change_note="Road closures added")

    v2 = pack_of(meeting)
    moved = Annotation.objects.get(pk=highlighted)
    assert (moved.pack, moved.orphaned, moved.attachment_page) == (v2, False, 2)
    assert moved.pack_page > old_page
    assert "splash pad" in pack_page_text(v2, moved.pack_page)
    position = moved.selection.position
    assert moved.record.text.split("\f")[1][position.start : position.end] == SPLASH
    drawing = Annotation.objects.get(pk=drawn)
    assert drawing.pack == v2 and drawing.attachment_page == 3
    assert "adopt the plan" in pack_page_text(v2, drawing.pack_page)
    cover.refresh_from_db()
    assert (cover.pack, cover.pack_page) == (v2, 1)
    separator.refresh_from_db()
    assert separator.pack_page == v2.item_pages["3.b"] > v1.item_pages["3.b"]
    assert "Transit study" in pack_page_text(v2, separator.pack_page)

    client = client_for(alice)
    listed = client.get(f"/api/annotations/packs/{v2.pk}/").json()
    assert listed["total"] == 4 and listed["quorum"]["notPlaced"] == []
    assert client.get(f"/api/annotations/packs/{v1.pk}/").json()["total"] == 0
    # The old version is superseded: new annotations go into the new one.
    stale = post(client, v1, highlight(attachment_record(meeting, "Parks master plan")))
    assert stale.status_code == 409


def test_annotations_on_a_removed_attachment_are_kept_and_listed_as_not_placed(
    meeting, alice, clerk, publish
):
    v1 = pack_of(meeting)
    transit = attachment_record(meeting, "Transit study")
    payload = highlight(transit, page=1)
    payload["target"]["selector"]["refinedBy"] = [
        {"type": "TextQuoteSelector", "exact": "Bus routes"}
    ]
    lost = annotation_id(post(client_for(alice), v1, payload).json())
    kept = annotation_id(create(alice, meeting))

    item = meeting.sections.get(title="New business").items.get(title="Transit study")
    agenda.remove_attachment(attachment=item.attachments.get())
    publish(meeting=meeting, user=clerk, change_note="Transit report withdrawn")

    v2 = pack_of(meeting)
    orphan = Annotation.objects.get(pk=lost)
    assert orphan.pack == v1 and orphan.orphaned
    assert "“Report on Transit study” is no longer in the pack" in orphan.orphan_reason
    assert Annotation.objects.get(pk=kept).pack == v2
    listed = client_for(alice).get(f"/api/annotations/packs/{v2.pk}/").json()
    (not_placed,) = listed["quorum"]["notPlaced"]
    assert not_placed["quorum"]["orphaned"] is True
    assert not_placed["quorum"]["orphanReason"] == orphan.orphan_reason
    assert "not placed in the newer version" in service.export_annotations_text(
        alice, meeting
    )


def test_a_replaced_report_is_searched_for_the_quote_and_ink_is_not_guessed(
    meeting, alice, clerk, publish
):
    """GIVEN a highlight and ink on the parks report
    WHEN the clerk replaces the report with a revision where the passage moved
    THEN the highlight follows the passage; the ink is listed as not placed."""
    highlighted = annotation_id(create(alice, meeting))
    drawn = service.create_annotation(
        author=alice,
        pack=pack_of(meeting),
        motivation="drawing",
        page=1,
        record=attachment_record(meeting, "Parks master plan"),
        selection=Selection(ink=(((0.1, 0.1), (0.3, 0.3)),)),
    )
    item = meeting.sections.get(title="New business").items.get(
        title="Parks master plan"
    )
    agenda.remove_attachment(attachment=item.attachments.get())
    agenda.attach_file(
        item=item,
        upload_name="parks-revised.pdf",
        data=io.BytesIO(pdf_bytes("Revised plan", "Consultation", *PARKS[1:])),
        title="Report on Parks master plan",
    )
    publish(meeting=meeting, user=clerk, change_note="Revised parks report")

    moved = Annotation.objects.get(pk=highlighted)
    assert moved.pack == pack_of(meeting) and not moved.orphaned
    assert moved.attachment_page == 3
    assert "splash pad" in pack_page_text(moved.pack, moved.pack_page)
    drawn.refresh_from_db()
    assert drawn.orphaned and "was replaced" in drawn.orphan_reason


# --- Retention ----------------------------------------------------------------


def test_private_annotations_go_after_the_bodies_period_and_the_purge_is_audited(
    meeting, body, alice, bob
):
    private = annotation_id(create(alice, meeting))
    shared = annotation_id(create(bob, meeting, quorum={"shared": True}))
    body.annotation_retention_days = 30
    body.save()
    day = meeting_date(meeting)

    early = service.purge_annotations(today=day + datetime.timedelta(days=29))
    assert early.purged == 0 and Annotation.objects.count() == 2

    report = service.purge_annotations(today=day + datetime.timedelta(days=30))

    assert report.purged == 1
    assert not Annotation.objects.filter(pk=private).exists()
    assert Annotation.objects.filter(pk=shared).exists()
    event = AuditEvent.objects.get(action=AuditAction.ANNOTATIONS_PURGED)
    assert event.target_id == str(meeting.pk) and event.actor is None
    assert event.details == {
        "meeting": meeting.pk,
        "policy": "retention_period",
        "retention_days": 30,
        "annotations": 1,
        "authors": 1,
    }


def test_a_hold_on_the_meeting_keeps_annotations_past_their_period(
    meeting, body, alice, clerk
):
    create(alice, meeting)
    body.annotation_retention_days = 1
    body.save()
    place_hold(
        reason="Litigation over the parks contract",
        owner=clerk,
        placed_by=clerk,
        filed_under=meeting,
    )

    report = service.purge_annotations(
        today=meeting_date(meeting) + datetime.timedelta(days=400)
    )

    assert report.purged == 0 and report.held_meetings == [meeting.pk]
    assert Annotation.objects.count() == 1
    assert not AuditEvent.objects.filter(action=AuditAction.ANNOTATIONS_PURGED)


def test_by_default_private_annotations_stay_until_the_member_leaves(
    meeting, alice, bob
):
    alices = annotation_id(create(alice, meeting))
    alices_shared = annotation_id(create(alice, meeting, quorum={"shared": True}))
    bobs = annotation_id(create(bob, meeting))
    later = meeting_date(meeting) + datetime.timedelta(days=3650)

    assert service.purge_annotations(today=later).purged == 0

    membership = alice.person.memberships.get()
    council_services.end_membership(
        membership=membership, end_date=timezone.localdate()
    )
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    report = service.purge_annotations(today=tomorrow)

    assert report.purged == 1
    assert not Annotation.objects.filter(pk=alices).exists()
    assert set(Annotation.objects.values_list("pk", flat=True)) == {
        alices_shared,
        bobs,
    }
    event = AuditEvent.objects.get(action=AuditAction.ANNOTATIONS_PURGED)
    assert event.details["policy"] == "member_left"


def test_the_purge_runs_as_a_daily_periodic_task(meeting, body, alice):
    create(alice, meeting)
    body.annotation_retention_days = 0
    body.save()

    assert any(
        p.name == "meetings.annotation_purge"
        and p.task == purge_annotations_task
        and p.every == datetime.timedelta(days=1)
        for p in PERIODIC_TASKS
    )
    # The meeting is ahead: nothing is due yet.
    assert purge_annotations_task.enqueue().return_value == {
        "purged": 0,
        "held_meetings": [],
    }
