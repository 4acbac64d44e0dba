"""Finding an annotated passage again (meetings.anchoring, pure)."""

from __future__ import annotations

from meetings.anchoring import (
    TextPosition,
    TextQuote,
    find_quote,
    fold,
    reanchor,
)

REPORT = [
    "Parks master plan\nSummary of the consultation.",
    "The budget for the new\nplayground is 40,000 dollars.\n"
    "The budget for the splash pad is 90,000 dollars.",
    "Recommendation: that council adopt the plan.",
]


def test_folding_ignores_whitespace_case_ligatures_and_soft_hyphens():
    assert fold("The  ﬁnal\nRe\u00adport") == "thefinalreport"


def test_a_quote_is_found_whatever_the_line_breaks_and_offsets_are_the_pages():
    found = find_quote(REPORT, TextQuote("new playground is 40,000"))

    assert (found.page, found.method) == (1, "quote")
    assert REPORT[1][found.start : found.end] == "new\nplayground is 40,000"
    assert found.exact == "new\nplayground is 40,000"


def test_the_prefix_and_suffix_pick_between_equal_quotes():
    first = find_quote(
        REPORT, TextQuote("The budget for the", suffix=" new playground")
    )
    second = find_quote(REPORT, TextQuote("The budget for the", suffix=" splash pad"))

    assert REPORT[1][first.start : first.end] == "The budget for the"
    assert first.start == 0
    assert REPORT[1][second.end :].startswith(" splash pad")


def test_equal_quotes_with_equal_context_go_to_the_nearest_page_and_offset():
    pages = ["alpha beta", "alpha beta", "alpha beta alpha beta"]

    assert find_quote(pages, TextQuote("beta"), page_hint=1).page == 1
    later = find_quote(
        pages, TextQuote("alpha"), page_hint=2, position_hint=TextPosition(11, 16)
    )
    assert (later.page, later.start) == (2, 11)


def test_a_quote_that_moved_to_another_page_is_found_there():
    moved = ["Cover", *REPORT]

    found = reanchor(
        moved,
        page=0,
        quote=TextQuote("council adopt the plan"),
        position=TextPosition(17, 39),
        same_text=False,
    )

    assert found.page == 3
    assert moved[3][found.start : found.end] == "council adopt the plan"


def test_a_missing_quote_falls_back_to_its_position_only_in_the_same_text():
    quote = TextQuote("words the reader saw differently")
    position = TextPosition(5, 12)

    kept = reanchor(REPORT, page=1, quote=quote, position=position, same_text=True)
    lost = reanchor(REPORT, page=1, quote=quote, position=position, same_text=False)

    assert (kept.page, kept.start, kept.end, kept.method) == (1, 5, 12, "position")
    assert kept.exact == quote.exact
    assert lost is None


def test_without_text_a_scan_keeps_its_place_in_the_same_file():
    scan = ["", "", ""]

    kept = reanchor(
        scan, page=2, quote=TextQuote("anything"), position=None, same_text=True
    )

    assert (kept.page, kept.method) == (2, "position")


def test_nothing_to_find_is_none():
    assert find_quote(REPORT, TextQuote("   ")) is None
    assert find_quote(REPORT, TextQuote("skate park")) is None
    assert find_quote([], TextQuote("anything")) is None
