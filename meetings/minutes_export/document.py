"""The minutes of one meeting as plain data, and the wording both exports share.

Frozen dataclasses keep the DOCX and PDF writers independent of the Django
models: a service builds a ``MinutesDocument`` from a meeting and its recorded
votes and hands it over. The clerk's discussion is limited rich text, which
``discussion_blocks`` reads into paragraphs and list items once so that Word
and PDF show exactly the same content.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, fields, is_dataclass, replace
from html.parser import HTMLParser
from typing import Any

_MONTHS = (
    "January February March April May June July August September October "
    "November December"
).split()
_WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()


@dataclass(frozen=True)
class RollCallVote:
    """How one member voted: "Yes", "No", "Abstain", "Absent" or "Recused"."""

    member: str
    option: str


@dataclass(frozen=True)
class MotionRecord:
    """A motion as decided: who moved it, the count and the declared result.

    ``votes`` is empty for a voice vote; ``consent_items`` lists the item
    numbers a consent motion passed together.
    """

    kind: str
    text: str
    mover: str
    seconder: str
    result: str
    counts: tuple[tuple[str, int], ...]
    votes: tuple[RollCallVote, ...]
    recusals: tuple[tuple[str, str], ...]
    consent_items: tuple[str, ...] = ()


@dataclass(frozen=True)
class MinutesItem:
    """An agenda item ("5.a") with the clerk's discussion HTML and motions."""

    number: str
    title: str
    discussion_html: str
    motions: tuple[MotionRecord, ...]


@dataclass(frozen=True)
class MinutesSection:
    """A numbered agenda section holding items in order."""

    number: str
    title: str
    items: tuple[MinutesItem, ...]


@dataclass(frozen=True)
class Attendee:
    """A member of the body and how they attended ("Late (arrived 18:40)")."""

    name: str
    role: str
    status: str


@dataclass(frozen=True)
class MinutesDocument:
    """Everything printed in one set of minutes.

    ``starts_at`` is shown in its own time zone, so pass the council's local
    time.
    """

    city_name: str
    body_name: str
    meeting_title: str
    starts_at: datetime.datetime
    location: str
    status: str
    is_draft: bool
    attendees: tuple[Attendee, ...]
    staff_present: tuple[str, ...]
    called_to_order: str
    adjourned: str
    sections: tuple[MinutesSection, ...]
    quorum_note: str = ""


# What XML 1.0, and so Word, cannot hold and fonts have no glyph for; a
# vertical tab, say, comes with text pasted from Word.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


def printable(document: MinutesDocument) -> MinutesDocument:
    """The document with control characters in its text made spaces (tabs and
    line breaks stay), so that both exports can set every string."""
    return _printable(document)


def _printable(value: Any) -> Any:
    if isinstance(value, str):
        return _CONTROL.sub(" ", value)
    if isinstance(value, tuple):
        return tuple(_printable(part) for part in value)
    if is_dataclass(value):
        names = [field.name for field in fields(value)]
        return replace(value, **{n: _printable(getattr(value, n)) for n in names})
    return value


# Wording -------------------------------------------------------------------
# Both writers call these so the Word and PDF minutes read the same.


def long_date(moment: datetime.datetime) -> str:
    """ "Tuesday 25 November 2025" (English whatever the OS locale)."""
    return f"{_WEEKDAYS[moment.weekday()]} {short_date(moment)}"


def short_date(moment: datetime.datetime) -> str:
    """ "25 November 2025", as in "Approved by Council on 9 December 2025"."""
    return f"{moment.day} {_MONTHS[moment.month - 1]} {moment.year}"


def date_and_time(document: MinutesDocument) -> str:
    """ "Tuesday 25 November 2025 at 18:00" for the title block."""
    moment = document.starts_at
    return f"{long_date(moment)} at {moment:%H:%M}"


def minutes_heading(document: MinutesDocument) -> str:
    """ "Minutes of the Regular Council Meeting"."""
    return f"Minutes of the {document.meeting_title}"


def footer_label(document: MinutesDocument) -> str:
    """ "Council · 25 November 2025", shown beside the page number."""
    return f"{document.body_name} \u00b7 {short_date(document.starts_at)}"


@dataclass(frozen=True)
class MotionLine:
    """One line of a motion block, in the order both exports print them.

    ``role`` is "kind", "moved", "text", "consent", "votes" (where the
    roll-call table goes; no text), "counts", "recusal" or "result";
    ``label`` is a lead-in printed in bold ("Recusal: ").
    """

    role: str
    text: str
    label: str = ""


def motion_lines(motion: MotionRecord) -> tuple[MotionLine, ...]:
    """Kind, mover and seconder, the motion's words, the roll call, the count,
    recusals with their declared conflicts, and the result."""
    lines = [MotionLine("kind", motion.kind or "Motion")]
    if motion.mover:  # a motion from a committee may need no seconder
        seconded = f", seconded by {motion.seconder}" if motion.seconder else ""
        lines.append(MotionLine("moved", f"Moved by {motion.mover}{seconded}."))
    elif motion.seconder:
        lines.append(MotionLine("moved", f"Seconded by {motion.seconder}."))
    lines.append(MotionLine("text", motion.text))
    if motion.consent_items:
        items = ", ".join(motion.consent_items)
        lines.append(MotionLine("consent", items, "Items passed together: "))
    if motion.votes:
        lines.append(MotionLine("votes", ""))
    if motion.counts:
        counts = " \u00b7 ".join(f"{option} {n}" for option, n in motion.counts)
        lines.append(MotionLine("counts", counts, "Count: "))
    for member, conflict in motion.recusals:
        declared = f": {conflict}" if conflict else "."
        text = f"{member} declared a conflict of interest{declared}"
        lines.append(MotionLine("recusal", text, "Recusal: "))
    lines.append(MotionLine("result", motion.result))
    return tuple(lines)


# Discussion ----------------------------------------------------------------


@dataclass(frozen=True)
class TextRun:
    """Text in one face; "\\n" stands for a line break (``<br>``)."""

    text: str
    bold: bool = False
    italic: bool = False
    href: str = ""


@dataclass(frozen=True)
class DiscussionBlock:
    """One paragraph of discussion.

    ``style`` is "paragraph", "heading3", "heading4", "bullet" or "numbered".
    ``depth`` is the list nesting (1 for a top-level list item; paragraphs
    inside a list item keep its depth) and ``ordinal`` the position within a
    numbered list, from 1, so writers know where numbering restarts.
    """

    runs: tuple[TextRun, ...]
    style: str = "paragraph"
    depth: int = 0
    ordinal: int = 0


_HEADING_STYLES = {"h1": "heading3", "h2": "heading3", "h3": "heading3"}
_HEADING_STYLES |= {"h4": "heading4", "h5": "heading4", "h6": "heading4"}
# Tags that end the paragraph before them; everything else unknown is inline.
_BLOCK_TAGS = {"p", "div", "blockquote", "section", "article", "tr", "pre", "hr"}
_BLOCK_TAGS |= set(_HEADING_STYLES) | {"ul", "ol", "li", "table", "dl", "dt", "dd"}
_SKIPPED_TAGS = {"script", "style", "head", "title", "template"}
_SAFE_LINK = re.compile(r"^(https?:|mailto:)", re.IGNORECASE)
# HTML collapses ASCII whitespace only; a no-break space must survive.
_WHITESPACE = re.compile(r"[ \t\n\r\f]+")


class _DiscussionParser(HTMLParser):
    """Reads the clerk's limited rich text into ``DiscussionBlock``s."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[DiscussionBlock] = []
        self._runs: list[TextRun] = []
        self._style = "paragraph"
        self._bold = 0
        self._italic = 0
        self._links: list[str] = []
        self._skipping = 0
        # One entry per open list: [numbered?, items so far, implied by <li>?].
        self._lists: list[list[int]] = []
        self._ordinal = 0
        # Open blocks with the bold/italic/link depth at their start, so an
        # unclosed <b> stays inside its own paragraph.
        self._open: list[tuple[str, int, int, int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED_TAGS:
            self._skipping += 1
        elif tag in ("b", "strong"):
            self._bold += 1
        elif tag in ("i", "em"):
            self._italic += 1
        elif tag == "a":
            href = dict(attrs).get("href") or ""
            self._links.append(href.strip() if _SAFE_LINK.match(href.strip()) else "")
        elif tag == "br":
            self._runs.append(TextRun("\n"))
        elif tag in ("td", "th"):
            self._add_text(" ")
        elif tag in _BLOCK_TAGS:
            self._flush()
            if tag != "hr":
                self._open.append((tag, self._bold, self._italic, len(self._links)))
            self._open_block(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS:
            self._skipping = max(self._skipping - 1, 0)
        elif tag in ("b", "strong"):
            self._bold = max(self._bold - 1, 0)
        elif tag in ("i", "em"):
            self._italic = max(self._italic - 1, 0)
        elif tag == "a" and self._links:
            self._links.pop()
        elif tag in _BLOCK_TAGS:
            self._flush()
            self._close_block(tag)
            if tag in ("ul", "ol") and self._lists:
                self._lists.pop()
            elif tag == "li" and self._lists and self._lists[-1][2]:
                self._lists.pop()
            # Text after a nested list or heading belongs to the enclosing list
            # item, without a second bullet.
            self._style = "paragraph"

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self._add_text(data)

    def close(self) -> None:
        super().close()
        self._flush()

    def _open_block(self, tag: str) -> None:
        if tag in ("ul", "ol"):
            self._lists.append([int(tag == "ol"), 0, 0])
            self._style = "paragraph"
        elif tag == "li":
            if not self._lists:  # a stray <li> still reads as a bullet
                self._lists.append([0, 0, 1])
            current = self._lists[-1]
            current[1] += 1
            self._style = "numbered" if current[0] else "bullet"
            self._ordinal = current[1]
        else:
            self._style = _HEADING_STYLES.get(tag, "paragraph")

    def _close_block(self, tag: str) -> None:
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index][0] == tag:
                _, self._bold, self._italic, links = self._open[index]
                del self._links[links:]
                del self._open[index:]
                return

    def _add_text(self, text: str) -> None:
        href = next((link for link in reversed(self._links) if link), "")
        run = TextRun(text, self._bold > 0, self._italic > 0, href)
        self._runs.append(run)

    def _flush(self) -> None:
        runs = _tidy(self._runs)
        self._runs = []
        if not runs:
            return
        ordinal = self._ordinal if self._style == "numbered" else 0
        self.blocks.append(
            DiscussionBlock(runs, self._style, len(self._lists), ordinal)
        )
        if self._style in ("bullet", "numbered"):
            self._style = "paragraph"  # a second paragraph in an <li> continues it


def _tidy(runs: list[TextRun]) -> tuple[TextRun, ...]:
    """Collapse whitespace as a browser would and merge runs of the same face."""
    merged: list[TextRun] = []
    for run in runs:
        if run.text == "\n":
            _rstrip(merged)
            if merged:  # a <br> before any text adds nothing
                merged.append(run)
            continue
        text = _WHITESPACE.sub(" ", run.text)
        if not merged or merged[-1].text.endswith((" ", "\n")):
            text = text.lstrip(" ")
        if not text:
            continue
        last = merged[-1] if merged else None
        face = (run.bold, run.italic, run.href)
        if last and last.text != "\n" and (last.bold, last.italic, last.href) == face:
            merged[-1] = TextRun(last.text + text, *face)
        else:
            merged.append(TextRun(text, *face))
    while merged and merged[-1].text == "\n":  # nor does one at the end
        merged.pop()
        _rstrip(merged)
    _rstrip(merged)
    return tuple(merged)


def _rstrip(runs: list[TextRun]) -> None:
    """Drop the spaces before a line break or the end of the paragraph."""
    while runs and runs[-1].text != "\n":
        last = runs[-1]
        text = last.text.rstrip(" ")
        if text:
            runs[-1] = TextRun(text, last.bold, last.italic, last.href)
            return
        runs.pop()


def discussion_blocks(html: str) -> tuple[DiscussionBlock, ...]:
    """The clerk's discussion HTML as paragraphs, headings and list items.

    Only <p>, <b>/<strong>, <i>/<em>, <ul>/<ol>/<li>, <a href>, <br> and
    <h3>/<h4> carry meaning; other tags give up their text. Never raises:
    minutes must export even when the rich text is malformed.
    """
    if not html.strip():
        return ()
    parser = _DiscussionParser()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # HTMLParser is lenient, but minutes must still export
        text = _WHITESPACE.sub(" ", html).strip()
        return (DiscussionBlock(runs=(TextRun(text),)),) if text else ()
    return tuple(parser.blocks)
