"""The public site and the admin open in a real browser."""

from __future__ import annotations

from council.demo import DEMO_PASSWORD


def test_home_page_and_body_page_open(council_site, page, screenshot):
    page.goto(council_site.url + "/")

    assert page.title().endswith("City of Port Alder")
    assert page.get_by_role("heading", level=1).inner_text() == "City of Port Alder"
    page.get_by_role("link", name="City Council").click()
    page.wait_for_url("**/council/bodies/city-council/")
    assert page.locator("table").first.get_by_text("Margaret Okafor").is_visible()
    screenshot("body-page")


def test_skip_link_is_the_first_stop_and_moves_to_main(council_site, page):
    page.goto(council_site.url + "/")

    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "Skip to main content"
    assert page.locator(".skip-link").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_phone_layout_has_no_sideways_scrolling(council_site, browser, screenshot):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    phone = context.new_page()
    phone.goto(council_site.url + "/council/bodies/city-council/")

    overflow = phone.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    screenshot("body-page-phone", of=phone)
    context.close()


def test_clerk_signs_in_to_the_admin(council_site, page, screenshot):
    page.goto(council_site.url + "/admin/")
    page.fill("input[name=username]", "clerk")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.wait_for_url(council_site.url + "/admin/")
    assert page.get_by_role("button", name="Council").is_visible()
    page.goto(council_site.url + "/admin/snippets/council/membership/")
    assert page.get_by_text("Margaret Okafor").first.is_visible()
    screenshot("admin-memberships")
