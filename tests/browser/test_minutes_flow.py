"""After the meeting: the clerk drafts and edits the minutes, downloads them
as Word and PDF, the next meeting approves them from the console, and a
citizen reads them, with every member's vote, on the portal."""

from __future__ import annotations

import datetime
import io
import shutil
import subprocess

import docx
import pypdf
from django.utils import timezone

from meetings.models import AgendaTemplate, AttendanceStatus, Minutes, MotionKind
from meetings.services import agenda, live
from meetings.services.publishing import publish_agenda
from meetings.services.schedules import create_meeting
from tests.browser.test_agenda_builder import sign_in
from tests.browser.test_live_console import council_meeting_today, press


def hold(meeting, item_title: str) -> None:
    """Record the meeting quickly through the services (the console itself
    is driven in test_live_console)."""
    members = [
        m.person
        for m in meeting.primary_body.memberships.filter(
            start_date__lte=timezone.localdate(),
            end_date__gte=timezone.localdate(),
            seat__isnull=False,
        )
    ]
    for person in members:
        live.record_attendance(
            meeting=meeting, person=person, status=AttendanceStatus.PRESENT
        )
    item = meeting.sections.get(title="Reports of committees and staff").items.get(
        title=item_title
    )
    motion = live.move_motion(
        meeting=meeting,
        kind=MotionKind.MAIN,
        item=item,
        text=f"That Council adopt the {item_title.lower()}.",
        mover=members[1],
        seconder=members[2],
    )
    live.open_vote(motion=motion)
    for index, person in enumerate(members):
        live.record_vote(
            motion=motion, person=person, option="yes" if index < 6 else "no"
        )
    live.close_vote(motion=motion)
    live.adjourn(meeting=meeting)


def test_minutes_from_draft_to_the_portal(
    transactional_db, live_server, browser, screenshot, tmp_path
):
    meeting = council_meeting_today()
    from django.contrib.auth import get_user_model

    clerk_user = get_user_model().objects.get(username="clerk")
    publish_agenda(meeting=meeting, user=clerk_user, late_notice_reason="Test meeting")
    hold(meeting, "Downtown parking strategy")
    base = live_server.url
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    sign_in(page, base, "clerk")

    # Draft from the console, then write a discussion summary.
    page.goto(f"{base}/admin/meetings/{meeting.pk}/console/")
    page.get_by_role("button", name="Draft the minutes").click()
    page.wait_for_url("**/admin/meetings/minutes/edit/*/")
    minutes = Minutes.objects.get(meeting=meeting)
    editor = page.locator(
        "[data-inline-panel-child]", has_text="Downtown parking strategy"
    ).locator("[contenteditable=true]")
    editor.click()
    page.keyboard.type("Residents asked for evening rates. Staff will report back.")
    editor.get_by_text("Staff will report back.").wait_for()
    page.wait_for_timeout(300)  # Draftail writes its field on a short debounce
    page.get_by_role("button", name="Save").first.click()
    page.wait_for_load_state()
    page.get_by_text("updated", exact=False).first.wait_for()
    screenshot("minutes-edit", of=page)

    # Both downloads, read back and rendered for people to look at.
    pdf = page.request.get(
        f"{base}/admin/meetings/minutes/{minutes.pk}/export/pdf/"
    ).body()
    word = page.request.get(
        f"{base}/admin/meetings/minutes/{minutes.pk}/export/docx/"
    ).body()
    pdf_text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    word_doc = docx.Document(io.BytesIO(word))
    word_text = "\n".join(p.text for p in word_doc.paragraphs)
    assert "Residents asked for evening rates" in pdf_text
    assert "Residents asked for evening rates" in word_text
    assert "Carried 6–3 (majority of votes cast)" in pdf_text
    if shutil.which("pdftoppm"):
        (tmp_path / "minutes.pdf").write_bytes(pdf)
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "50",
                "-f",
                "1",
                "-l",
                "2",
                tmp_path / "minutes.pdf",
                screenshot.directory / "minutes-pdf",
            ],
            check=True,
        )

    # The next meeting approves them from the console.
    following = create_meeting(
        bodies=[meeting.primary_body],
        starts_at=timezone.now() + datetime.timedelta(minutes=1),
        location="Council Chamber",
        template=AgendaTemplate.objects.get(name="Council meeting"),
    )
    approval = agenda.add_item(
        section=following.sections.get(title="Adoption of minutes"),
        title="Minutes of the previous meeting",
    )
    approval.approves_minutes = minutes
    approval.save()
    page.goto(f"{base}/admin/meetings/{following.pk}/console/")
    rows = page.locator(".cs-panel", has_text="Attendance").locator("tbody tr")
    names = [
        rows.nth(i).locator("th").inner_text().split("\n")[0]
        for i in range(rows.count())
    ]
    for name in names:
        press(
            page,
            page.locator("tr", has_text=name).get_by_role(
                "button", name="Present", exact=True
            ),
        )
    page.select_option("#cs-item-select", label="3.a Minutes of the previous meeting")
    press(page, page.get_by_role("button", name="Take up"))
    page.fill("textarea[name=text]", "That the minutes be approved as circulated.")
    page.select_option("select[name=mover]", label=names[1])
    page.select_option("select[name=seconder]", label=names[2])
    press(page, page.get_by_role("button", name="Put the motion"))
    press(page, page.get_by_role("button", name="Call the vote"))
    for name in names:
        row = page.locator(".cs-rollcall tr", has_text=name)
        press(page, row.get_by_role("button", name="Yes", exact=True))
    press(page, page.get_by_role("button", name="Close the vote"))
    page.get_by_text("Carried 9–0").wait_for()
    minutes.refresh_from_db()
    assert minutes.status == "approved"

    # A citizen reads them, with every member's vote.
    citizen = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    citizen.goto(f"{base}/meetings/{meeting.pk}/")
    citizen.get_by_text("Residents asked for evening rates.").wait_for()
    citizen.get_by_text("How each member voted").first.click()
    for name in names:
        assert citizen.get_by_text(f"{name}: ").first.is_visible()
    screenshot("portal-minutes-phone", of=citizen)
    response = citizen.request.get(f"{base}/files/{minutes.pdf_record_id}/")
    assert (
        response.status == 200 and response.headers["content-type"] == "application/pdf"
    )
