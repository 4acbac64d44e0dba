"""A records manager's day: the records list, a record's page, a hold, the
disposal queue with a colleague's second approval, and the certificate."""

from __future__ import annotations

import io

import pypdf

from council import demo as council_demo
from records import demo as records_demo
from records.models import DisposalBatch, Hold, Record, RecordStatus
from tests.browser.test_agenda_builder import sign_in


def test_records_manager_reviews_holds_and_disposes(
    transactional_db, live_server, browser, screenshot
):
    council_demo.load()
    records_demo.load()
    base = live_server.url
    ray = browser.new_context(viewport={"width": 1280, "height": 900})
    page = ray.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, base, "records")

    # The records list, filtered to what is due.
    page.goto(base + "/admin/records/records/?due=overdue")
    page.get_by_text("Petition on the closure of the Elm Street crossing").wait_for()
    screenshot("records-01-due-records", of=page)

    # A record's page: class, schedule, due date, holds, audit history.
    held = Record.objects.get(title__startswith="Complaint about snow clearing")
    page.goto(base + f"/admin/records/records/inspect/{held.pk}/")
    page.get_by_text("Under hold").wait_for()
    page.get_by_text("Destroy 7 years after record created").wait_for()
    screenshot("records-02-record-page", of=page)

    # Place a hold over a whole class from the admin form.
    page.goto(base + "/admin/records/holds/new/")
    page.fill("textarea[name=reason]", "Auditor general's review of contracts")
    page.get_by_label("A record class (and its sub-classes)").check()
    page.select_option("select[name=record_class]", label="Contracts and agreements")
    screenshot("records-03-place-hold", of=page)
    page.get_by_role("button", name="Place hold").click()
    page.get_by_text("records covered now").wait_for()
    page.get_by_text("Lease of the marina kiosk").wait_for()
    screenshot("records-04-hold", of=page)
    assert Hold.objects.get(reason__startswith="Auditor general").in_force

    # The queue: approve a destruction; the same person cannot confirm it.
    page.goto(base + "/admin/records/disposal-queue/")
    row = page.locator("tr", has_text="Petition on the closure")
    row.get_by_role("button", name="Approve: destroy").click()
    page.locator("tr", has_text="Petition on the closure").get_by_text(
        "Needs another person"
    ).wait_for()
    screenshot("records-05-queue-after-first-approval", of=page)

    # A colleague confirms and executes; the batch leaves a certificate.
    amara = browser.new_context(viewport={"width": 1280, "height": 900})
    other = amara.new_page()
    other.set_default_timeout(15_000)
    sign_in(other, base, "archives")
    other.goto(base + "/admin/records/disposal-queue/")
    for title in ("Petition on the closure", "Letter from the Harbour Users"):
        other.locator("tr", has_text=title).get_by_role(
            "button", name="Confirm"
        ).click()
    other.get_by_role("button", name="Execute approved disposals").click()
    other.get_by_text("Destruction certificate (PDF)").first.wait_for()
    screenshot("records-06-queue-executed", of=other)

    batch = DisposalBatch.objects.order_by("-pk").first()
    other.goto(base + f"/admin/records/disposals/inspect/{batch.pk}/")
    other.get_by_text("Executed").first.wait_for()
    screenshot("records-07-batch", of=other)
    response = other.request.get(base + f"/files/{batch.certificate_id}/")
    text = "".join(
        p.extract_text() for p in pypdf.PdfReader(io.BytesIO(response.body())).pages
    )
    # Long titles wrap in the certificate's table.
    assert "Petition on the closure of the Elm Street crossing" in " ".join(
        text.split()
    )
    petition = Record.objects.get(title__startswith="Petition on the closure")
    assert petition.status == RecordStatus.DESTROYED and not petition.file

    # The file plan, as the records manager edits it.
    page.goto(base + "/admin/records/file-plan/")
    page.get_by_text("Meetings › Agenda packs").wait_for()
    screenshot("records-08-file-plan", of=page)
    ray.close()
    amara.close()
