"""A commissioner reads a 500-page members' pack on a tablet in Chromium:
the portal, the pack loaded by range requests, a jump through the outline,
a highlight with a note kept across a reload, sharing it with a colleague,
ink, and a note written offline that syncs when the connection returns."""

from __future__ import annotations

import re

from meetings.models import Annotation, PackOpen
from tests.reader_support import PARKS_PASSAGE, PASSWORD, publish_long_pack

TABLET = {"width": 768, "height": 1024}
LARGE_TABLET = {"width": 1024, "height": 1366}
PHONE = {"width": 390, "height": 844}
NOTE = "Ask about maintenance <b>costs</b> & the lifeguards."


def sign_in(page, base: str, username: str) -> None:
    """Sign in through the login page the portal redirects to."""
    page.goto(base + "/members/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(base + "/members/")


def tablet(browser, viewport=TABLET):
    context = browser.new_context(viewport=viewport, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    # What the browser reports, shown if the reader does not come up.
    page.quorum_log = []
    page.on("console", lambda m: page.quorum_log.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: page.quorum_log.append(f"error: {e}"))
    page.on(
        "requestfailed",
        lambda r: page.quorum_log.append(f"failed: {r.url} {r.failure}"),
    )
    return context, page


def wait_for_first_page(page) -> None:
    try:
        page.wait_for_selector("body[data-first-page]", timeout=30_000)
    except Exception as error:
        log = "\n".join(page.quorum_log[-40:])
        raise AssertionError(
            f"the reader showed no page; browser log:\n{log}"
        ) from error


def wait_for_status(page, text: str) -> None:
    page.locator("[data-sync-status]", has_text=text).wait_for()


def wait_until(page, condition, timeout_s: float = 20) -> None:
    """Poll the database (the reader saves in the background)."""
    for _ in range(int(timeout_s * 10)):
        if condition():
            return
        page.wait_for_timeout(100)
    raise AssertionError("the reader did not save in time")


def current_page(page) -> int:
    return page.evaluate("window.quorumReader.viewer.currentPageNumber")


def test_member_reads_annotates_shares_and_syncs_offline(
    transactional_db, live_server, browser, screenshot
):
    long = publish_long_pack()
    pack, meeting = long.pack, long.meeting
    base = live_server.url
    reader_url = f"{base}/members/meetings/{meeting.pk}/read/"
    parks_page = pack.item_pages["2.a"] + 2  # separator, report page 1, page 2

    # My meetings on a tablet: the meeting, its pack and "Unread".
    context, page = tablet(browser)
    sign_in(page, base, "ada")
    card = page.locator(".meeting-card", has_text="City Council")
    card.get_by_text("Unread").wait_for()
    card.get_by_text("version 1 · 514 pages").wait_for()
    screenshot("reader-01-portal-tablet", of=page)

    # The reader: the first page is painted from a few range requests.
    ranges = []
    page.on(
        "request",
        lambda r: (
            ranges.append(r.headers.get("range"))
            if f"/files/{pack.record_id}/" in r.url
            else None
        ),
    )
    page.get_by_role("link", name="Read the pack").click()
    wait_for_first_page(page)
    first_paint = page.evaluate(
        "performance.getEntriesByName('quorum:first-page-painted')[0].startTime"
    )
    assert [r for r in ranges if r and r.startswith("bytes=")], ranges
    fetched = page.evaluate(
        f"""performance.getEntriesByType('resource')
            .filter(e => e.name.includes('/files/{pack.record_id}/'))
            .reduce((n, e) => n + e.encodedBodySize, 0)"""
    )
    assert fetched < pack.record.size, (fetched, pack.record.size)
    assert PackOpen.objects.filter(user=long.members[0], pack=pack).exists()
    screenshot("reader-02-first-page", of=page)
    print(f"first page painted after {first_paint:.0f} ms; {fetched} bytes fetched")

    # Jump through the outline to the parks report.
    page.get_by_role("button", name="Contents").click()
    page.get_by_role("button", name="2.a Parks master plan").click()
    page.wait_for_function(
        f"window.quorumReader.viewer.currentPageNumber === {pack.item_pages['2.a']}"
    )
    assert page.locator("#reader-panel").is_hidden()  # closed after the jump
    page.locator(
        f'.page[data-page-number="{pack.item_pages["2.a"]}"] canvas'
    ).wait_for()
    screenshot("reader-03-outline-jump", of=page)

    # Find in the pack.
    page.get_by_role("button", name="Find").click()
    page.fill("[data-find-input]", "Wrenfield depot")
    page.locator("[data-find-result]", has_text=re.compile(r"of \d+")).wait_for()
    page.wait_for_function(
        f"window.quorumReader.viewer.currentPageNumber >= {pack.item_pages['3.a']}"
    )
    screenshot("reader-04-find", of=page)
    page.get_by_role("button", name="Find").click()

    page.fill("[data-page-number]", str(parks_page))
    page.press("[data-page-number]", "Enter")
    passage = page.locator(
        f'.page[data-page-number="{parks_page}"] .textLayer span', has_text="splash pad"
    )
    passage.wait_for()

    # Highlight the passage and add a note to it.
    passage.select_text()
    page.get_by_role("button", name="Highlight + note").click()
    page.fill("[data-note-body]", NOTE)
    screenshot("reader-05-note-dialog", of=page)
    page.get_by_role("button", name="Save").click()
    mine = Annotation.objects.filter(author=long.members[0])
    wait_until(page, mine.exists)
    page.locator(
        f'.page[data-page-number="{parks_page}"] .q-badge--mine:not(.q-badge--pending)'
    ).wait_for()
    wait_for_status(page, "Synced")
    highlight = mine.get()
    assert highlight.note == NOTE and not highlight.shared
    assert highlight.pack_page == parks_page
    assert highlight.selection.quote.exact == PARKS_PASSAGE

    # Reload: the reader comes back at the same page with the highlight.
    page.reload()
    page.wait_for_selector(f'.page[data-page-number="{parks_page}"] .q-hl--mine')
    assert abs(current_page(page) - parks_page) <= 1
    badge = page.locator(f'.page[data-page-number="{parks_page}"] .q-badge--mine')
    screenshot("reader-06-after-reload", of=page)

    # The note is shown as text, never as markup; share it with the body.
    badge.click()
    assert page.locator("[data-note-body]").input_value() == NOTE
    page.get_by_label("Share with the members of City Council").check()
    page.get_by_role("button", name="Save").click()
    wait_until(page, mine.filter(shared=True).exists)
    wait_for_status(page, "Synced")

    # Ink with a finger or pen (here the mouse): two strokes, saved.
    page.get_by_role("radio", name="Ink").click()
    box = page.locator(f'.page[data-page-number="{parks_page}"]').bounding_box()
    for y in (0.55, 0.6):
        page.mouse.move(box["x"] + box["width"] * 0.2, box["y"] + box["height"] * y)
        page.mouse.down()
        for step in range(1, 9):
            page.mouse.move(
                box["x"] + box["width"] * (0.2 + step * 0.05),
                box["y"] + box["height"] * (y + (0.01 if step % 2 else -0.01)),
            )
        page.mouse.up()
    page.get_by_text("2 strokes drawn").wait_for()
    page.get_by_role("button", name="Save drawing").click()
    page.get_by_role("radio", name="Select").click()
    wait_until(page, mine.filter(motivation="drawing").exists)
    wait_for_status(page, "Synced")
    ink = mine.get(motivation="drawing")
    assert len(ink.selection.ink) == 2
    screenshot("reader-07-shared-highlight-and-ink", of=page)

    # A colleague sees the shared highlight marked with its author, not the
    # private ink.
    ben_context, ben = tablet(browser)
    sign_in(ben, base, "ben")
    ben.goto(f"{reader_url}#page={parks_page}")
    shared = ben.locator(f'.page[data-page-number="{parks_page}"] .q-badge--shared')
    shared.get_by_text("Ada Councillor").wait_for()
    assert ben.locator(".q-stroke--shared").count() == 0
    shared.click()
    ben.locator("[data-note-text]", has_text=NOTE).wait_for()
    assert ben.locator("[data-note-text] b").count() == 0
    screenshot("reader-08-colleague-sees-shared-note", of=ben)
    ben.get_by_role("button", name="Close").click()
    ben.get_by_role("button", name="Contents").click()
    ben.get_by_role("tab", name=re.compile("Notes")).click()
    ben.locator(".note-entry--shared", has_text="Ada Councillor").wait_for()
    screenshot("reader-09-colleague-notes-list", of=ben)
    ben_context.close()

    # Make the meeting available offline, then lose the connection.
    page.get_by_role("button", name="Make available offline").click()
    page.get_by_role("button", name=re.compile("Available offline")).wait_for()
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    context.set_offline(True)
    wait_for_status(page, "Offline")
    page.get_by_role("radio", name="Note").click()
    box = page.locator(f'.page[data-page-number="{parks_page}"]').bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.8, box["y"] + box["height"] * 0.3)
    page.fill("[data-note-body]", "Written on the train: check the tender dates.")
    page.get_by_role("button", name="Save").click()
    wait_for_status(page, "Saved offline — 1 change waiting")
    page.get_by_role("radio", name="Select").click()
    assert not Annotation.objects.filter(
        note__startswith="Written on the train"
    ).exists()
    screenshot("reader-10-offline-change-waiting", of=page)

    # Still offline, the reader opens again from this device (the service
    # worker answers from the copy), the queued change included.
    response = page.reload()
    assert response.from_service_worker
    wait_for_first_page(page)
    page.locator(".q-pin.q-badge--pending").first.wait_for()
    wait_for_status(page, "Saved offline — 1 change waiting")
    screenshot("reader-11-offline-reload", of=page)

    # Back online: the change is sent and the status says so.
    context.set_offline(False)
    wait_until(page, mine.filter(note__startswith="Written on the train").exists)
    wait_for_status(page, "Synced")
    page.locator(".q-pin.q-badge--mine:not(.q-badge--pending)").first.wait_for()
    screenshot("reader-12-back-online-synced", of=page)
    context.close()


def test_reader_on_a_large_tablet_and_a_phone(
    transactional_db, live_server, browser, screenshot
):
    long = publish_long_pack()
    base = live_server.url
    for name, viewport in (("large-tablet", LARGE_TABLET), ("phone", PHONE)):
        context, page = tablet(browser, viewport)
        sign_in(page, base, "ada")
        screenshot(f"reader-portal-{name}", of=page)
        page.goto(f"{base}/members/meetings/{long.meeting.pk}/read/#page=3")
        wait_for_first_page(page)
        if name == "phone":
            page.get_by_role("button", name="Contents").click()
        page.locator(".outline-entry", has_text="Parks master plan").first.wait_for()
        screenshot(f"reader-{name}", of=page)
        if name == "large-tablet":
            # Thumbnails, drawn as they scroll into view; zoom in and back.
            page.get_by_role("tab", name="Pages").click()
            page.locator(".thumb canvas").nth(3).wait_for()
            page.get_by_role("button", name="Zoom in").click()
            page.locator("[data-zoom-label]", has_text="%").wait_for()
            screenshot("reader-large-tablet-thumbnails-zoomed", of=page)
            page.get_by_title("Fit width").click()
            page.locator("[data-zoom-label]", has_text="Fit width").wait_for()
        context.close()

    # The clerks' report of the paper saved by reading on screen.
    context, page = tablet(browser, LARGE_TABLET)
    page.goto(base + "/admin/login/")
    page.fill("input[name=username]", "clerk")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(base + "/admin/")
    page.goto(base + "/admin/meetings/paper-saved/")
    row = page.locator("tbody tr", has_text="City Council")
    copies = long.body.seats.count() + 3
    row.get_by_text(f"{long.pack.page_count * copies:,}").wait_for()
    screenshot("reader-paper-saved-report", of=page)
    context.close()


def make_available_offline(page, base: str, username: str) -> None:
    sign_in(page, base, username)
    card = page.locator(".meeting-card", has_text="City Council")
    card.get_by_role("button", name="Make available offline").click()
    card.locator("[data-offline-toggle][aria-pressed=true]").wait_for()


def quorum_storage(page) -> list[str]:
    return page.evaluate(
        """async () => [
            ...(await caches.keys()).filter(name => name.startsWith("quorum-")),
            ...Object.keys(localStorage).filter(key => key.startsWith("quorum:")),
            ...(await indexedDB.databases()).map(db => db.name)
                .filter(name => name.startsWith("quorum-")),
        ]"""
    )


def sign_out_by_fetch(page, url: str) -> None:
    """POST the sign-out in the background, as another tab or the admin's
    menu would: only the response's Clear-Site-Data can wipe the copies."""
    page.evaluate(
        """async (url) => {
            const token = document.cookie.match(/csrftoken=([^;]+)/)[1];
            await fetch(url, {method: "POST", headers: {"X-CSRFToken": token},
                              redirect: "manual"});
        }""",
        url,
    )


def test_signing_out_removes_offline_copies(
    transactional_db, live_server, browser, screenshot
):
    long = publish_long_pack()
    base = live_server.url
    context, page = tablet(browser)

    # A member signs out of the portal.
    make_available_offline(page, base, "ada")
    assert f"quorum-offline-u{long.members[0].pk}" in quorum_storage(page)
    screenshot("reader-13-portal-offline", of=page)
    sign_out_by_fetch(page, "/members/sign-out/")
    page.goto(base + "/members/")
    page.wait_for_url(re.compile(r".*/admin/login/.*"))
    assert quorum_storage(page) == []

    # A clerk signs out of the Wagtail admin.
    make_available_offline(page, base, "clerk")
    assert quorum_storage(page)
    sign_out_by_fetch(page, "/admin/logout/")
    page.goto(base + "/members/")
    page.wait_for_url(re.compile(r".*/admin/login/.*"))
    assert quorum_storage(page) == []

    # The portal's Sign out button.
    make_available_offline(page, base, "ada")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r".*/admin/login/.*"))
    assert quorum_storage(page) == []
    context.close()
