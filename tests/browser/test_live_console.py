"""A whole meeting run from the clerk's console in Chromium: attendance, a
consent vote, a motion with an amendment, a roll call, adjournment; and a
second clerk's screen following along."""

from __future__ import annotations

import datetime

from django.utils import timezone

from council import demo as council_demo
from council.models import Body
from meetings.demo import create_templates
from meetings.models import AgendaTemplate, Motion, PersonVote
from meetings.services import agenda
from meetings.services.schedules import create_meeting
from tests.browser.test_agenda_builder import sign_in


def council_meeting_today():
    council_demo.load()
    create_templates()
    council = Body.objects.get(slug="city-council")
    meeting = create_meeting(
        bodies=[council],
        starts_at=timezone.now() - datetime.timedelta(minutes=5),
        location="Council Chamber",
        template=AgendaTemplate.objects.get(name="Council meeting"),
    )
    consent = meeting.sections.get(title="Consent agenda")
    for title in ("Building permit report", "Parade road closure"):
        agenda.add_item(section=consent, title=title)
    reports = meeting.sections.get(title="Reports of committees and staff")
    agenda.add_item(section=reports, title="Downtown parking strategy")
    return meeting


def press(page, button) -> None:
    """Click a console button and wait until its action has been saved and the
    panel redrawn (actions are sent in the background)."""
    with page.expect_response(lambda response: "/console/act/" in response.url):
        button.click()


def act(page, row_text: str, button: str) -> None:
    row = page.locator("tr", has_text=row_text)
    press(page, row.get_by_role("button", name=button, exact=True))


def test_a_meeting_from_call_to_order_to_adjournment(
    transactional_db, live_server, browser, screenshot
):
    meeting = council_meeting_today()
    base = live_server.url
    clerk = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    sign_in(clerk, base, "clerk")
    clerk.goto(f"{base}/admin/meetings/{meeting.pk}/console/")
    second = browser.new_context(viewport={"width": 1024, "height": 1366}).new_page()
    sign_in(second, base, "clerk")
    second.goto(f"{base}/admin/meetings/{meeting.pk}/console/")

    # Attendance: eight present, one late.
    rows = clerk.locator(".cs-panel", has_text="Attendance").locator("tbody tr")
    names = [
        rows.nth(i).locator("th").inner_text().split("\n")[0]
        for i in range(rows.count())
    ]
    assert len(names) == 9
    for name in names[:8]:
        act(clerk, name, "Present")
        clerk.locator("tr", has_text=name).locator("[aria-pressed=true]").wait_for()
    act(clerk, names[8], "Late")
    clerk.get_by_text("Quorum ✔").wait_for()
    # The second clerk's screen follows within a few seconds.
    second.get_by_text("9 present, 5 needed").wait_for(timeout=10_000)

    # Consent agenda: one vote passes both items.
    clerk.select_option("select[name=kind]", "consent")
    clerk.fill("textarea[name=text]", "That the consent agenda be adopted.")
    clerk.select_option("select[name=mover]", label=names[1])
    clerk.select_option("select[name=seconder]", label=names[2])
    press(clerk, clerk.get_by_role("button", name="Put the motion"))
    press(clerk, clerk.get_by_role("button", name="Call the vote"))
    for name in names:
        act(clerk, name, "Yes")
        clerk.locator(".cs-rollcall tr", has_text=name).locator("strong").wait_for()
    press(clerk, clerk.get_by_role("button", name="Close the vote"))
    clerk.get_by_text("Carried 9–0 (majority of votes cast)").wait_for()

    # A main motion, an amendment (defeated), then the main motion carried.
    clerk.select_option("#cs-item-select", label="6.a Downtown parking strategy")
    press(clerk, clerk.get_by_role("button", name="Take up"))
    clerk.fill(
        "textarea[name=text]", "That Council adopt the downtown parking strategy."
    )
    clerk.select_option("select[name=mover]", label=names[3])
    clerk.select_option("select[name=seconder]", label=names[4])
    press(clerk, clerk.get_by_role("button", name="Put the motion"))
    clerk.locator(".cs-motion p", has_text="adopt the downtown parking").wait_for()
    clerk.select_option("select[name=kind]", "amendment")
    clerk.select_option("select[name=amends]", index=1)
    clerk.fill("textarea[name=text]", "Add: with free parking on Saturdays.")
    clerk.select_option("select[name=mover]", label=names[5])
    press(clerk, clerk.get_by_role("button", name="Put the motion"))
    amendment = clerk.locator(".cs-motion", has_text="Add: with free parking")
    press(clerk, amendment.get_by_role("button", name="Call the vote"))
    for index, name in enumerate(names):
        row = clerk.locator(".cs-motion", has_text="Add: with free parking").locator(
            "tr", has_text=name
        )
        press(
            clerk,
            row.get_by_role("button", name="Yes" if index < 3 else "No", exact=True),
        )
        row.locator("strong").wait_for()
    press(
        clerk,
        clerk.locator(".cs-motion", has_text="Add: with free parking").get_by_role(
            "button", name="Close the vote"
        ),
    )
    clerk.get_by_text("Defeated 3–6 (majority of votes cast)").wait_for()

    main = clerk.locator(".cs-motion", has_text="adopt the downtown parking strategy")
    press(clerk, main.get_by_role("button", name="Call the vote"))
    for index, name in enumerate(names):
        row = clerk.locator(".cs-motion", has_text="adopt the downtown").locator(
            "tr", has_text=name
        )
        if index == 0:
            row.locator("input[name=conflict]").fill("Owns a downtown parking lot")
            press(clerk, row.get_by_role("button", name="Recused"))
        else:
            option = "Yes" if index < 6 else "No"
            press(clerk, row.get_by_role("button", name=option, exact=True))
        row.locator("strong").wait_for()
    screenshot("console-roll-call", of=clerk)
    press(
        clerk,
        clerk.locator(".cs-motion", has_text="adopt the downtown").get_by_role(
            "button", name="Close the vote"
        ),
    )
    clerk.get_by_text("Carried 5–3 (majority of votes cast)").wait_for()

    press(clerk, clerk.get_by_role("button", name="Adjourn the meeting"))
    clerk.get_by_text("Adjourned").wait_for()
    screenshot("console-adjourned", of=clerk)
    second.get_by_text("Adjourned").wait_for(timeout=10_000)

    assert Motion.objects.filter(meeting=meeting).count() == 3
    assert PersonVote.objects.filter(motion__meeting=meeting).count() == 27
    recusal = PersonVote.objects.get(option="recused")
    assert recusal.conflict_declared == "Owns a downtown parking lot"
