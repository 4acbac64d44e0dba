"""The members' portal and pack reader: who may open what, pack opens and
their marks in "My meetings", the offline app's plumbing (service worker,
manifest, sign-out wiping copies) and the paper-saved report."""

from __future__ import annotations

import datetime
import io
import json
import re

import pypdf
import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from council.visibility import Role
from meetings import reading
from meetings.models import PackEdition, PackOpen
from meetings.models.annotations import Region, Selection
from meetings.services.annotations import create_annotation
from meetings.services.reading import record_pack_open
from tests.factories import UserFactory
from tests.meetings_support import add_item_with_pdf, council_meeting
from tests.members_support import client_for, pack_of

pytestmark = pytest.mark.django_db


def reader_url(meeting) -> str:
    return f"/members/meetings/{meeting.pk}/read/"


def app_config(response) -> dict:
    match = re.search(
        r'<script id="quorum-app" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    return json.loads(match.group(1))


def main_navigation(html: str) -> str:
    return re.search(r'<nav aria-label="Main">(.*?)</nav>', html, re.S).group(1)


# --- Getting there -------------------------------------------------------------


def test_the_public_site_leads_members_to_their_meetings(alice):
    """GIVEN the public home page
    WHEN anyone opens it
    THEN its main navigation (one menu on desktops and phones) has a Members
    link to /members/, which asks an anonymous visitor to sign in first and
    opens My meetings for a member."""
    anonymous = Client()

    nav = main_navigation(anonymous.get("/").content.decode())
    follow = anonymous.get("/members/")

    assert '<a href="/members/">Members</a>' in nav
    assert (follow.status_code, follow["Location"]) == (
        302,
        "/admin/login/?next=/members/",
    )
    member = client_for(alice)
    assert '<a href="/members/">Members</a>' in main_navigation(
        member.get("/").content.decode()
    )
    assert member.get("/members/").status_code == 200


# --- Who may open what ---------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/members/", "/members/meetings/{id}/read/", "/members/meetings/{id}/agenda/"],
)
def test_anonymous_visitors_are_sent_to_sign_in(meeting, path):
    url = path.format(id=meeting.pk)

    response = Client().get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=")


def test_a_member_of_another_body_cannot_open_the_reader_or_the_pack(meeting, outsider):
    """GIVEN a member of another body
    WHEN she asks for the meeting's reader, agenda and members' pack
    THEN each answers 404, and her portal does not list the meeting."""
    client = client_for(outsider)
    pack = pack_of(meeting)

    assert client.get(reader_url(meeting)).status_code == 404
    assert client.get(f"/members/meetings/{meeting.pk}/agenda/").status_code == 404
    assert client.get(f"{reader_url(meeting)}?pack={pack.pk}").status_code == 404
    assert client.get(pack.record.get_absolute_url()).status_code == 404
    assert not PackOpen.objects.exists()
    portal = client.get("/members/")
    assert portal.status_code == 200
    assert f'data-meeting="{meeting.pk}"' not in portal.content.decode()


def test_a_member_opens_the_members_pack_and_the_open_is_recorded(meeting, alice):
    pack = pack_of(meeting)

    response = client_for(alice).get(reader_url(meeting))

    assert response.status_code == 200
    config = app_config(response)
    assert config["packId"] == pack.pk
    assert config["packUrl"] == f"/files/{pack.record_id}/"
    assert config["packSize"] == pack.record.size
    assert config["canAnnotate"] is True
    assert config["annotationsUrl"] == f"/api/annotations/packs/{pack.pk}/"
    opened = PackOpen.objects.get()
    assert (opened.user, opened.pack, opened.pages) == (alice, pack, pack.page_count)
    assert response["Cache-Control"].startswith("max-age=0")
    # The page loads pdf.js and the reader through an import map.
    assert '<script type="importmap">' in response.content.decode()
    assert "/static/pdfjs/build/pdf.min.mjs" in response.content.decode()


def test_a_member_reads_an_earlier_version_only_among_those_she_may_open(
    meeting, alice, outsider
):
    public = pack_of(meeting, PackEdition.PUBLIC)

    assert (
        client_for(alice).get(f"{reader_url(meeting)}?pack={public.pk}").status_code
        == 200
    )
    assert (
        client_for(alice).get(f"{reader_url(meeting)}?pack=999999").status_code == 404
    )


def test_the_agenda_page_lists_confidential_items_with_their_pack_pages(meeting, alice):
    pack = pack_of(meeting)

    page = client_for(alice).get(f"/members/meetings/{meeting.pk}/agenda/")

    html = page.content.decode()
    assert "Land sale" in html and "Confidential" in html
    for first in pack.item_pages.values():
        assert f"{reader_url(meeting)}#page={first}" in html


def test_a_meeting_without_a_published_agenda_says_so(alice, meeting):
    later = council_meeting(days_ahead=30, body=meeting.primary_body)

    response = client_for(alice).get(reader_url(later))

    assert response.status_code == 200
    assert "not published yet" in response.content.decode()


# --- Pack opens and the portal ----------------------------------------------------


def test_reopening_within_half_an_hour_is_the_same_reading(meeting, alice):
    pack = pack_of(meeting)
    now = timezone.now()

    first = record_pack_open(user=alice, pack=pack, now=now)
    again = record_pack_open(
        user=alice, pack=pack, now=now + datetime.timedelta(minutes=20)
    )
    later = record_pack_open(
        user=alice, pack=pack, now=now + datetime.timedelta(hours=2)
    )

    assert again.pk == first.pk
    assert later.pk != first.pk
    assert PackOpen.objects.count() == 2


def test_record_pack_open_refuses_a_pack_the_user_may_not_open(meeting, outsider):
    with pytest.raises(PermissionDenied):
        record_pack_open(user=outsider, pack=pack_of(meeting))


def test_my_meetings_marks_unread_annotated_and_addenda(
    meeting, alice, bob, clerk, publish
):
    """GIVEN a member who opened version 1 and annotated it, and a colleague's
    shared note
    WHEN the clerk publishes an addendum
    THEN her portal shows version 2, what changed since she read it, her note
    count and the shared one; the colleague, who never opened it, sees Unread."""
    record_pack_open(user=alice, pack=pack_of(meeting))
    point = Selection(region=Region(10, 10))
    create_annotation(
        author=alice,
        pack=pack_of(meeting),
        motivation="commenting",
        page=1,
        note="Mine",
        selection=point,
    )
    create_annotation(
        author=bob,
        pack=pack_of(meeting),
        motivation="commenting",
        page=1,
        note="Shared",
        selection=point,
        shared=True,
    )
    add_item_with_pdf(meeting, "New business", "Road closures", "Detours")
    publish(meeting=meeting, user=clerk, change_note="Road closures added")

    entry = reading.portal(alice).upcoming[0]
    assert entry.meeting == meeting and entry.version == 2
    assert not entry.unread and entry.opened_version == 1
    assert [v.number for v in entry.addenda] == [2]
    assert entry.addenda[0].changed_items == 1
    assert (entry.own_annotations, entry.shared_by_others) == (1, 1)
    html = client_for(alice).get("/members/").content.decode()
    assert "Changed since you last opened it" in html
    assert "Road closures added" in html
    assert "version 2" in html
    assert "Unread" in client_for(bob).get("/members/").content.decode()


def test_clerks_see_every_bodys_meetings(meeting, clerk):
    other = council_meeting(days_ahead=5)

    listed = [e.meeting for e in reading.portal(clerk).upcoming]

    assert meeting in listed and other in listed


def test_readable_packs_tells_the_device_which_copies_it_may_keep(
    meeting, alice, outsider
):
    pack = pack_of(meeting)
    url = f"/members/packs/readable/?ids={pack.pk},999"

    assert client_for(alice).get(url).json() == {"packs": [pack.pk]}
    assert client_for(outsider).get(url).json() == {"packs": []}
    assert Client().get(url).status_code == 401


# --- The installable app and signing out ---------------------------------------------


def test_the_service_worker_and_manifest_are_served_under_members():
    client = Client()

    worker = client.get("/members/sw.js")
    manifest = client.get("/members/manifest.webmanifest")

    assert worker.status_code == 200
    assert worker["Content-Type"].startswith("text/javascript")
    assert worker["Cache-Control"] == "no-cache"
    assert 'const SCOPE = "/members/"' in worker.content.decode()
    data = manifest.json()
    assert manifest["Content-Type"] == "application/manifest+json"
    assert data["scope"] == data["start_url"] == "/members/"
    assert {icon["sizes"] for icon in data["icons"]} == {"192x192", "512x512"}


def test_signing_out_of_the_portal_wipes_the_devices_copies(alice):
    client = client_for(alice)

    response = client.post("/members/sign-out/")

    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/members/"
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    assert client.get("/members/").status_code == 302


def test_signing_out_of_the_admin_wipes_them_too(clerk):
    client = client_for(clerk)

    response = client.post("/admin/logout/")

    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'


def test_other_responses_do_not_clear_site_data(alice, meeting):
    client = client_for(alice)

    assert "Clear-Site-Data" not in client.get("/members/")
    assert "Clear-Site-Data" not in client.get(reader_url(meeting))
    assert "Clear-Site-Data" not in Client().get("/members/sw.js")


# --- Paper saved ---------------------------------------------------------------------


def test_paper_saved_counts_pages_read_and_copies_not_printed(
    meeting, alice, bob, settings
):
    """GIVEN a five-seat body, three extra copies, and a members' pack of P
    pages opened by two members (one twice) and the public pack by one
    THEN pages delivered are 2P + the public pack's pages, and the paper not
    printed is P x (5 + 3), once for the pack."""
    settings.QUORUM_PAPER_EXTRA_COPIES = 3
    members, public = pack_of(meeting), pack_of(meeting, PackEdition.PUBLIC)
    now = timezone.now()
    record_pack_open(user=alice, pack=members, now=now)
    record_pack_open(user=alice, pack=members, now=now + datetime.timedelta(hours=3))
    record_pack_open(user=bob, pack=members, now=now)
    record_pack_open(user=bob, pack=public, now=now)

    [row] = reading.paper_saved()

    assert row.body == meeting.primary_body
    assert row.year == timezone.localtime(meeting.starts_at).year
    assert row.copies == 8
    assert row.packs_read == 1
    assert row.reader_count == 2
    assert row.pages_delivered == 2 * members.page_count + public.page_count
    assert row.pages_not_printed == members.page_count * 8
    assert reading.paper_saved(year=row.year - 1) == []


def test_the_paper_saved_report_is_for_clerks(meeting, alice, clerk):
    record_pack_open(user=alice, pack=pack_of(meeting))
    staff = UserFactory(username="staff", roles=[Role.STAFF])

    page = client_for(clerk).get("/admin/meetings/paper-saved/")

    assert page.status_code == 200
    html = page.content.decode()
    assert meeting.primary_body.name in html
    assert f"{pack_of(meeting).page_count * 8:,}" in html
    # Wagtail turns the refusal into a redirect to the dashboard with a message.
    refused = client_for(staff).get("/admin/meetings/paper-saved/")
    assert (refused.status_code, refused["Location"]) == (302, "/admin/")


def test_members_signing_in_land_on_their_meetings(alice, clerk):
    """Wagtail's login page sends everyone to the admin's dashboard; members,
    who have no admin access, are sent on to My meetings."""
    landing = client_for(alice).get("/admin/")

    assert (landing.status_code, landing["Location"]) == (302, "/members/")
    assert client_for(clerk).get("/admin/").status_code == 200


def test_the_pack_page_tree_lets_the_reader_fetch_only_a_few_pages(meeting):
    """pdf.js walks /Kids to find a page: under a flat tree of every page it
    would fetch each page object of a long pack (the whole file, in ranges)
    before showing the first page. Packs use nodes of at most two pages."""
    pack = pack_of(meeting)
    with pack.record.file.open("rb") as handle:
        reader = pypdf.PdfReader(io.BytesIO(handle.read()))
    root = reader.trailer["/Root"]["/Pages"]
    nodes = [kid.get_object() for kid in root["/Kids"]]

    assert all(node["/Type"] == "/Pages" for node in nodes)
    assert all(len(node["/Kids"]) == node["/Count"] <= 2 for node in nodes)
    assert sum(node["/Count"] for node in nodes) == root["/Count"] == pack.page_count
    assert len(reader.pages) == pack.page_count
