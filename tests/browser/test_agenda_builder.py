"""A clerk's whole agenda cycle in Chromium: a staff report is submitted and
approved, placed, reordered by dragging, published, and amended."""

from __future__ import annotations

import datetime
import shutil
import subprocess

import pypdf
from django.contrib.auth import get_user_model
from django.utils import timezone

from council import demo as council_demo
from council.demo import DEMO_PASSWORD
from council.models import Body
from meetings.demo import create_templates
from meetings.models import AgendaTemplate, Meeting, PackStatus
from meetings.services import submissions
from meetings.services.schedules import create_meeting
from tests.meetings_support import pdf_bytes


def sign_in(page, base_url: str, username: str) -> None:
    page.goto(base_url + "/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(base_url + "/admin/")


def test_clerk_builds_publishes_and_amends_an_agenda(
    transactional_db, live_server, browser, screenshot, tmp_path
):
    council_demo.load()
    council = Body.objects.get(slug="city-council")
    create_templates()
    meeting = create_meeting(
        bodies=[council],
        starts_at=timezone.now() + datetime.timedelta(days=14),
        location="Council Chamber, City Hall",
        template=AgendaTemplate.objects.get(name="Council meeting"),
    )
    staff = get_user_model().objects.get(username="staff")
    draft = submissions.create_submission(
        body=council,
        title="Tree canopy strategy",
        department="Parks and Recreation",
        submitted_by=staff,
    )
    report = tmp_path / "tree-canopy.pdf"
    report.write_bytes(
        pdf_bytes("Tree canopy strategy", "Canopy targets by ward", "Budget")
    )
    base = live_server.url

    # Staff attach the report and submit it.
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    sign_in(page, base, "staff")
    page.goto(f"{base}/admin/meetings/submission/{draft.pk}/review/")
    page.set_input_files("input[type=file]", str(report))
    page.get_by_role("button", name="Attach").click()
    page.get_by_text("“tree-canopy.pdf” attached.").wait_for()
    page.get_by_role("button", name="Submit for review").click()
    page.get_by_text("Submitted for review.").wait_for()
    context.close()

    # The clerk approves it ...
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    sign_in(page, base, "clerk")
    page.goto(f"{base}/admin/meetings/submission/{draft.pk}/review/")
    page.fill("textarea[name=comment]", "Good to go.")
    page.get_by_role("button", name="Approve").click()
    page.get_by_text("Approved").first.wait_for()

    # ... places it, adds a second item, and drags the second above the first.
    page.goto(f"{base}/admin/meetings/{meeting.pk}/agenda/")
    page.select_option(
        "select[name=section]", label="6. Reports of committees and staff"
    )
    page.get_by_role("button", name="Place on agenda").click()
    page.get_by_text("“Tree canopy strategy” placed").wait_for()
    reports = page.locator(".ab-section", has_text="Reports of committees and staff")
    reports.get_by_text("Add an item to Reports of committees and staff").click()
    reports.locator(".ab-add-item input[name=title]").fill("Transit fare review")
    reports.get_by_role("button", name="Add item").click()
    page.get_by_text("Item added").wait_for()
    page.locator(".ab-item", has_text="Transit fare review").locator(
        ".ab-handle"
    ).drag_to(
        page.locator(".ab-item", has_text="Tree canopy strategy").locator(".ab-number")
    )
    page.wait_for_load_state("load")
    page.locator(".ab-item", has_text="Transit fare review").get_by_text(
        "6.a"
    ).wait_for()
    assert (
        page.locator(".ab-item", has_text="Tree canopy strategy")
        .get_by_text("6.b")
        .is_visible()
    )
    screenshot("agenda-builder", of=page)

    # Publish version 1; the packs compile.
    page.get_by_role("button", name="Publish agenda").click()
    page.get_by_text("Agenda published. The board packs are being compiled.").wait_for()
    page.get_by_text("Members' pack:").wait_for()
    assert page.locator(".ab-packs a").count() == 2

    # An addendum: a late item, version 2.
    reports = page.locator(".ab-section", has_text="Reports of committees and staff")
    reports.get_by_text("Add an item to Reports of committees and staff").click()
    reports.locator(".ab-add-item input[name=title]").fill("Emergency culvert repair")
    reports.get_by_role("button", name="Add item").click()
    page.get_by_text("Item added").wait_for()
    page.fill("textarea[name=change_note]", "Added the culvert repair.")
    page.get_by_role("button", name="Publish addendum").click()
    page.get_by_text("Agenda published. The board packs are being compiled.").wait_for()
    page.get_by_text("Version 2").wait_for()
    assert page.get_by_text("Superseded").first.is_visible()
    screenshot("agenda-builder-published", of=page)
    context.close()

    meeting = Meeting.objects.get(pk=meeting.pk)
    version = meeting.versions.get(number=2)
    public = version.packs.get(edition="public")
    assert public.status == PackStatus.READY
    numbers = list(version.items.order_by("sort_order").values_list("number", "title"))
    assert ("6.a", "Transit fare review") in numbers and (
        "6.b",
        "Tree canopy strategy",
    ) in numbers

    # Look at the pack as a citizen would: render its first pages.
    pack_path = tmp_path / "pack.pdf"
    with public.record.file.open("rb") as handle:
        pack_path.write_bytes(handle.read())
    assert len(pypdf.PdfReader(pack_path).pages) == public.page_count
    if shutil.which("pdftoppm"):  # pictures for people to look at
        out = screenshot.directory / "public-pack"
        subprocess.run(
            ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "4", pack_path, out],
            check=True,
        )
