"""A citizen searches the portal on a phone: phrase, facets, a hit inside a
PDF, a misspelling, an empty result and a broken query."""

from __future__ import annotations

import pytest

from council import demo as council_demo
from council.visibility import Visibility
from tests.factories import RecordFactory, pdf_bytes
from tests.search_support import whoosh_index_in

PHONE = {"width": 360, "height": 780}


@pytest.fixture
def search_site(transactional_db, live_server, settings, tmp_path):
    backend = whoosh_index_in(tmp_path, settings)
    council_demo.load()
    RecordFactory(
        title="Harbour cycling study",
        upload_name="study.pdf",
        content=pdf_bytes(
            "Introduction to the harbour study.",
            "Traffic counts on the ferry road.",
            "Bicycle parking near the harbour terminal.",
        ),
    )
    for number in range(12):
        RecordFactory(
            title=f"Harbour works bulletin {number}",
            content=f"Harbour works update {number}: quay repairs.\n".encode(),
        )
    RecordFactory(
        title="Confidential valuation",
        content=b"Valuation of the harbour quay: secretvaluationword.\n",
        visibility=Visibility.CONFIDENTIAL,
    )
    yield live_server
    backend.close()


def test_a_citizen_searches_on_a_phone(search_site, browser, screenshot):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    base = search_site.url

    page.goto(base + "/search/")
    page.fill("input[name=q]", "harbour")
    page.get_by_role("button", name="Search", exact=True).click()
    page.get_by_role("heading", name="14 results").wait_for()
    assert "secretvaluationword" not in page.content()
    no_sideways_scroll = page.evaluate(
        "document.documentElement.scrollWidth <= window.innerWidth"
    )
    assert no_sideways_scroll
    screenshot("search-01-phone-results", of=page)

    page.get_by_role("link", name="Next").click()
    page.get_by_text("Page 2 of 2").wait_for()

    page.goto(base + "/search/?q=terminal")
    hit = page.locator(".hit").first
    assert "#page=3" in hit.get_by_role("link").first.get_attribute("href")
    assert hit.locator("mark").inner_text().lower() == "terminal"
    screenshot("search-02-hit-in-pdf-page", of=page)

    page.goto(base + "/search/?q=bicyle")
    page.get_by_text("Did you mean").wait_for()
    page.get_by_role("link", name="bicycle").click()
    page.get_by_role("heading", name="1 result").wait_for()

    page.goto(base + '/search/?q="ferry road')
    page.get_by_text("closing quotation mark was missing").wait_for()
    screenshot("search-03-repaired-query", of=page)

    page.goto(base + "/search/?q=xylophonic")
    page.get_by_text("Check the spelling").wait_for()
    screenshot("search-04-no-results", of=page)

    page.goto(base + "/search/")
    page.fill("input[name=q]", "Harbour cyc")
    page.get_by_role("option").first.wait_for()
    assert "Harbour cycling study" in page.locator("#q-suggestions").inner_text()
    screenshot("search-05-autocomplete", of=page)
    context.close()
