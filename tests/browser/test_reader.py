"""A commissioner reads a 500-page members' pack on a tablet in Chromium:
the portal, the pack loaded by range requests, a jump through the outline,
a highlight with a note kept across a reload, sharing it with a colleague,
ink, and a note written offline that syncs when the connection returns;
pinching to zoom; changes the server refuses kept on the device."""

from __future__ import annotations

import json
import re

import pytest

from meetings.models import Annotation, PackOpen
from tests.reader_support import PARKS_PASSAGE, PASSWORD, publish_long_pack

TABLET = {"width": 768, "height": 1024}
LARGE_TABLET = {"width": 1024, "height": 1366}
PHONE = {"width": 390, "height": 844}
NOTE = "Ask about maintenance <b>costs</b> & the lifeguards."
# Saving a 514-page pack for offline use takes seconds, more on a busy CI
# machine running two test suites at once.
SAVING_OFFLINE_MS = 60_000


def sign_in(page, base: str, username: str) -> None:
    """Sign in through the login page the portal redirects to."""
    page.goto(base + "/members/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(base + "/members/")


def sign_in_from_the_public_site(
    page, base: str, username: str, screenshot=None, name: str = "public-home"
) -> None:
    """Follow the public site's Members link, which asks for a sign-in
    (with the screenshot fixture, the home page is saved as `name` first)."""
    page.goto(base + "/")
    members = page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Members", exact=True
    )
    assert members.is_visible()
    if screenshot:
        screenshot(name, of=page)
    members.click()
    page.wait_for_url(re.compile(r".*/admin/login/\?next=/members/$"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(base + "/members/")


def tablet(browser, viewport=TABLET, **options):
    context = browser.new_context(viewport=viewport, has_touch=True, **options)
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
    available = page.get_by_role("button", name=re.compile("Available offline"))
    available.wait_for(timeout=SAVING_OFFLINE_MS)
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
        sign_in_from_the_public_site(
            page, base, "ada", screenshot, name=f"public-home-{name}"
        )
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
    saved = card.locator("[data-offline-toggle][aria-pressed=true]")
    saved.wait_for(timeout=SAVING_OFFLINE_MS)


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


# --- Pinch to zoom -------------------------------------------------------------


class Fingers:
    """Touches sent through the DevTools protocol, as a touch screen sends
    them (the page's context has has_touch=True)."""

    def __init__(self, page):
        self.page = page
        self.cdp = page.context.new_cdp_session(page)

    def send(self, kind: str, points=()) -> None:
        touch_points = [{"x": x, "y": y, "id": n} for n, (x, y) in enumerate(points)]
        self.cdp.send(
            "Input.dispatchTouchEvent", {"type": kind, "touchPoints": touch_points}
        )
        self.page.wait_for_timeout(20)

    def pinch(self, centre, start: float, end: float, steps: int = 10) -> None:
        """Two fingers on either side of `centre`, from `start` to `end`
        pixels apart, then lifted."""
        x, y = centre

        def apart(spread):
            return [(x - spread / 2, y), (x + spread / 2, y)]

        self.send("touchStart", apart(start))
        for step in range(1, steps + 1):
            self.send("touchMove", apart(start + (end - start) * step / steps))
        self.send("touchEnd")

    def drag(self, start, end, steps: int = 10) -> None:
        """One finger from `start` to `end`, then lifted."""
        (x0, y0), (x1, y1) = start, end
        self.send("touchStart", [start])
        for step in range(1, steps + 1):
            f = step / steps
            self.send("touchMove", [(x0 + (x1 - x0) * f, y0 + (y1 - y0) * f)])
        self.send("touchEnd")


def zoom(page) -> float:
    return page.evaluate("window.quorumReader.viewer.currentScale")


def point_under(page, x: float, y: float) -> dict:
    """The page of the pack under a point of the screen, and where on it."""
    return page.evaluate(
        """([x, y]) => {
            const page = document.elementsFromPoint(x, y)
                .map((node) => node.closest(".page")).find(Boolean);
            const box = page.getBoundingClientRect();
            return {page: Number(page.dataset.pageNumber),
                    x: (x - box.left) / box.width, y: (y - box.top) / box.height};
        }""",
        [x, y],
    )


def wait_until_drawn_sharp(page) -> None:
    """The current page is drawn again at the zoom: a canvas with a pixel
    for each of the screen's covers it, or (pdf.js's detail view, when the
    page is larger than the screen) the part of it on screen."""
    page.wait_for_function(
        """() => {
            const viewer = window.quorumReader.viewer;
            const view = viewer.getPageView(viewer.currentPageNumber - 1);
            const drawn = [view, view.detailView].every(
                (part) => !part || part.renderingState === 3);
            const onScreen = Math.min(viewer.container.clientWidth, view.width);
            return drawn && [...view.div.querySelectorAll("canvas")].some((canvas) => {
                const width = canvas.getBoundingClientRect().width;
                return width >= onScreen - 40
                    && canvas.width >= Math.floor(width * devicePixelRatio) - 2;
            });
        }"""
    )


def test_a_member_pinches_to_zoom_and_still_scrolls_and_draws_with_one_finger(
    transactional_db, live_server, browser, screenshot
):
    """GIVEN a member reading on a touch tablet
    WHEN she pinches two fingers apart over a passage
    THEN the pages zoom in around the point between her fingers, are drawn
    again sharp once her fingers rest, and never beyond the reader's limits;
    one finger still scrolls, and in ink mode still draws, while two fingers
    there zoom and leave no stroke."""
    long = publish_long_pack()
    parks_page = long.pack.item_pages["2.a"] + 2
    context, page = tablet(browser)
    sign_in(page, live_server.url, "ada")
    page.goto(
        f"{live_server.url}/members/meetings/{long.meeting.pk}/read/#page={parks_page}"
    )
    wait_for_first_page(page)
    page.locator(f'.page[data-page-number="{parks_page}"] canvas').wait_for()
    wait_until_drawn_sharp(page)
    fingers = Fingers(page)
    stage = page.locator("#viewer-container").bounding_box()
    centre = (stage["x"] + stage["width"] / 2, stage["y"] + stage["height"] / 2)
    limits = page.evaluate("window.quorumReader.zoomLimits")
    before, under = zoom(page), point_under(page, *centre)

    fingers.pinch(centre, 120, 300)

    after = zoom(page)
    assert after == pytest.approx(before * 2.5, rel=0.05), (before, after)
    page.locator("[data-zoom-label]", has_text=f"{round(after * 100)}%").wait_for()
    wait_until_drawn_sharp(page)
    still_under = point_under(page, *centre)
    assert still_under["page"] == under["page"]
    assert still_under["x"] == pytest.approx(under["x"], abs=0.03)
    assert still_under["y"] == pytest.approx(under["y"], abs=0.03)
    screenshot("reader-pinch-zoomed", of=page)

    # However wide the fingers go, the zoom stops at the reader's limit.
    fingers.pinch(centre, 40, 700)
    fingers.pinch(centre, 40, 700)
    assert zoom(page) == limits["max"]
    assert page.get_by_role("button", name="Zoom in").is_disabled()
    fingers.pinch(centre, 400, 100)
    assert zoom(page) == pytest.approx(limits["max"] / 4, rel=0.05)

    # One finger scrolls the pages; the zoom stays.
    zoomed = zoom(page)
    top = page.evaluate("document.querySelector('#viewer-container').scrollTop")
    fingers.drag((centre[0], centre[1] + 200), (centre[0], centre[1] - 200))
    page.wait_for_function(
        f"document.querySelector('#viewer-container').scrollTop > {top + 100}"
    )
    assert zoom(page) == zoomed

    # Ink: one finger draws a stroke; two fingers zoom, leaving none.
    page.get_by_role("radio", name="Ink").click()
    fingers.drag(
        (centre[0] - 100, centre[1]), (centre[0] + 100, centre[1] + 40), steps=8
    )
    page.get_by_text("1 stroke drawn").wait_for()
    x, y = centre
    fingers.send("touchStart", [(x - 60, y)])
    fingers.send("touchMove", [(x - 70, y + 10)])  # a stroke begins...
    fingers.send("touchStart", [(x - 70, y + 10), (x + 60, y)])  # ...a pinch
    for step in range(1, 9):
        spread = step * 10
        fingers.send("touchMove", [(x - 70 - spread, y + 10), (x + 60 + spread, y)])
    fingers.send("touchEnd")
    assert zoom(page) > zoomed * 1.3
    assert page.get_by_text("1 stroke drawn").is_visible()
    page.get_by_role("button", name="Discard").click()
    context.close()


# --- Changes the server refuses ---------------------------------------------------

WITHDRAWN = "The meeting's pack was withdrawn: ask the clerk."


def refuse(page, method: str, pattern: str, status: int, error: str | None):
    """Answer the reader's `method` requests to `pattern` with `status` and
    a JSON error (or a plain page), as the server refuses a change."""

    def answer(route):
        if route.request.method != method:
            route.fallback()
        elif error is None:
            route.fulfill(status=status, content_type="text/html", body="<h1>Down</h1>")
        else:
            route.fulfill(
                status=status,
                content_type="application/json",
                body=json.dumps({"error": error}),
            )

    page.route(pattern, answer)
    return answer


def pin_note(page, page_number: int, text: str, at=(0.8, 0.3)) -> None:
    page.get_by_role("radio", name="Note").click()
    box = page.locator(f'.page[data-page-number="{page_number}"]').bounding_box()
    page.mouse.click(box["x"] + box["width"] * at[0], box["y"] + box["height"] * at[1])
    page.fill("[data-note-body]", text)
    page.get_by_role("button", name="Save").click()
    page.get_by_role("radio", name="Select").click()


def test_a_change_the_server_refuses_keeps_its_text_until_the_member_decides(
    transactional_db, live_server, browser, screenshot
):
    """GIVEN a member writing notes on a tablet
    WHEN the server refuses a new note (403: the pack was withdrawn) and a
    change to another (400), and answers a third with a server error (503)
    THEN the refused ones are listed under "Not synced" with the reason and
    their text, also after a reload, and nothing else is lost; the one that
    met a server error stays queued and is sent when tried again; "Try
    again" sends a refused note once the server takes it, "Discard" drops
    the other."""
    long = publish_long_pack()
    pack, ada = long.pack, long.members[0]
    parks_page = pack.item_pages["2.a"] + 2
    mine = Annotation.objects.filter(author=ada)
    # No service worker: Playwright's routes may miss requests it handles
    # (it never answers writes anyway).
    context, page = tablet(browser, service_workers="block")
    sign_in(page, live_server.url, "ada")
    page.goto(
        f"{live_server.url}/members/meetings/{long.meeting.pk}/read/#page={parks_page}"
    )
    wait_for_first_page(page)
    wait_for_status(page, "Synced")
    collection = f"**/api/annotations/packs/{pack.pk}/"

    # A new note, refused: kept with the reason, not drawn as saved.
    withdrawn = refuse(page, "POST", collection, 403, WITHDRAWN)
    pin_note(page, parks_page, "Ask why the splash pad costs 90,000.")
    wait_for_status(page, f"Not saved: {WITHDRAWN}")
    assert not mine.exists()
    assert page.locator(".q-pin").count() == 0
    page.get_by_role("button", name="Review the changes the server refused").click()
    refused = page.locator(".note-entry--refused")
    refused.get_by_text("Ask why the splash pad costs 90,000.").wait_for()
    assert WITHDRAWN in refused.inner_text()
    screenshot("reader-refused-note", of=page)
    page.get_by_role("button", name="Contents").click()  # close the panel
    page.unroute(collection, withdrawn)

    # A server error: the note waits in the queue and is sent on the next try.
    down = refuse(page, "POST", collection, 503, None)
    pin_note(page, parks_page, "Second thoughts on the tender.", at=(0.6, 0.5))
    wait_for_status(page, "1 change waiting")
    page.locator(".q-pin.q-badge--pending").wait_for()
    assert refused.count() == 1
    page.unroute(collection, down)
    page.evaluate("window.quorumReader.store.sync()")
    wait_until(page, mine.filter(note="Second thoughts on the tender.").exists)
    saved = mine.get()

    # A change to that note, refused: listed with its new text; the page
    # shows the note as the server still has it.
    invalid = refuse(page, "PATCH", "**/api/annotations/*/", 400, "Too long.")
    page.locator(".q-pin.q-badge--mine:not(.q-badge--pending)").click()
    page.fill("[data-note-body]", "Third thoughts on the tender.")
    page.get_by_role("button", name="Save").click()
    wait_for_status(page, "2 changes not saved")
    page.get_by_role("button", name="Review the changes the server refused").click()
    refused.filter(has_text="Third thoughts on the tender.").wait_for()
    assert "Not saved: Too long." in refused.nth(1).inner_text()
    saved.refresh_from_db()
    assert saved.note == "Second thoughts on the tender."
    assert "Second thoughts" in page.locator(".q-pin").get_attribute("aria-label")
    page.unroute("**/api/annotations/*/", invalid)

    # Both are still there after a reload.
    page.reload()
    wait_for_first_page(page)
    wait_for_status(page, "2 changes not saved")
    page.get_by_role("button", name="Review the changes the server refused").click()
    refused.filter(has_text="Ask why the splash pad costs 90,000.").wait_for()
    refused.filter(has_text="Third thoughts on the tender.").wait_for()
    screenshot("reader-refused-after-reload", of=page)

    # The server takes the first now; the second is discarded.
    first = refused.filter(has_text="Ask why the splash pad")
    first.get_by_role("button", name="Try again").click()
    wait_until(page, mine.filter(note__startswith="Ask why the splash pad").exists)
    page.once("dialog", lambda dialog: dialog.accept())
    refused.get_by_role("button", name="Discard").click()
    wait_for_status(page, "Synced")
    assert refused.count() == 0
    saved.refresh_from_db()
    assert saved.note == "Second thoughts on the tender."
    assert mine.count() == 2
    context.close()
