"""Creating, changing, sharing and deleting annotations, and who may."""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from meetings.anchoring import TextPosition, find_quote
from meetings.models import Annotation, BoardPack, Motivation
from meetings.models.annotations import (
    CONTEXT_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    QUOTE_MAX_LENGTH,
    Region,
    Selection,
)
from meetings.services.annotations.access import may_annotate, newer_pack
from meetings.services.annotations.layout import pack_layout, page_texts
from records.models import Record

MAX_STROKES = 200
MAX_INK_POINTS = 20_000


class PackSuperseded(ValidationError):
    """A newer version of the pack is out: annotate that one."""


@dataclass(frozen=True)
class Placement:
    """Where an annotation sits: a pack page, and the attachment page on it."""

    pack_page: int
    record: Record | None
    attachment_page: int | None
    item_id: int | None


def place(pack: BoardPack, page: int, record: Record | None) -> Placement:
    """`page` of the pack, or with `record`, `page` of that attachment."""
    layout = pack_layout(pack)
    if record is None:
        if not 1 <= page <= layout.page_count:
            raise ValidationError(
                _("Page %(page)s is not in this pack (pages 1–%(count)s).")
                % {"page": page, "count": layout.page_count}
            )
        placed = layout.attachment_at(page)
        if placed is None:
            item = layout.item_at(page)
            return Placement(page, None, None, item.item_id if item else None)
        record = Record.objects.get(pk=placed.record_id)
        return Placement(page, record, page - placed.first_page + 1, placed.item_id)
    placed = layout.find(record.pk)
    if placed is None:
        raise ValidationError(_("That file is not in this pack."))
    if not 1 <= page <= placed.page_count:
        raise ValidationError(
            _("Page %(page)s is not in “%(title)s” (pages 1–%(count)s).")
            % {"page": page, "title": placed.title, "count": placed.page_count}
        )
    return Placement(placed.first_page + page - 1, record, page, placed.item_id)


def check_selection(motivation: str, note: str, selection: Selection) -> None:
    """Refuse what a reader cannot have meant, saying why."""
    if motivation not in Motivation.values:
        raise ValidationError(
            _("Unknown kind of annotation “%(kind)s”: use one of %(kinds)s.")
            % {"kind": motivation, "kinds": ", ".join(Motivation.values)}
        )
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError(
            _("The note is %(length)d characters long; the limit is %(limit)d.")
            % {"length": len(note), "limit": NOTE_MAX_LENGTH}
        )
    _check_text(selection)
    if selection.region is not None:
        _check_region(selection.region)
    _check_ink(motivation, selection)
    marks = selection.quote is not None or selection.region is not None
    if motivation == Motivation.HIGHLIGHTING and not marks:
        raise ValidationError(_("A highlight needs the text or area it marks."))
    if motivation == Motivation.COMMENTING:
        if not note.strip():
            raise ValidationError(_("A note needs some text."))
        if not marks:
            raise ValidationError(_("Attach the note to a highlight or a point."))


def _check_text(selection: Selection) -> None:
    quote, position = selection.quote, selection.position
    if position is not None and quote is None:
        raise ValidationError(_("A text position needs the quoted text with it."))
    if position is not None and not 0 <= position.start <= position.end:
        raise ValidationError(_("A text position must run from start to end."))
    if quote is None:
        return
    if not quote.exact.strip():
        raise ValidationError(_("The highlighted text is empty."))
    if len(quote.exact) > QUOTE_MAX_LENGTH:
        raise ValidationError(
            _("Highlights are limited to %(limit)d characters.")
            % {"limit": QUOTE_MAX_LENGTH}
        )
    if max(len(quote.prefix), len(quote.suffix)) > CONTEXT_MAX_LENGTH:
        raise ValidationError(
            _("The text around a highlight is limited to %(limit)d characters.")
            % {"limit": CONTEXT_MAX_LENGTH}
        )


def _check_region(region: Region) -> None:
    corners = (region.x, region.y, region.x + region.w, region.y + region.h)
    if region.w < 0 or region.h < 0 or not all(0 <= n <= 100 for n in corners):
        raise ValidationError(_("An area must lie on the page (0–100 percent)."))


def _check_ink(motivation: str, selection: Selection) -> None:
    if motivation != Motivation.DRAWING:
        if selection.ink:
            raise ValidationError(_("Only ink annotations carry strokes."))
        return
    if not selection.ink or selection.quote or selection.region:
        raise ValidationError(_("Ink needs its strokes, and nothing else."))
    if len(selection.ink) > MAX_STROKES:
        raise ValidationError(
            _("A drawing is limited to %(limit)d strokes.") % {"limit": MAX_STROKES}
        )
    points = [point for stroke in selection.ink for point in stroke]
    if len(points) > MAX_INK_POINTS or not all(selection.ink):
        raise ValidationError(_("A drawing has too many points, or an empty stroke."))
    if not all(0 <= x <= 1 and 0 <= y <= 1 for x, y in points):
        raise ValidationError(_("Ink points are fractions of the page (0–1)."))


def anchored(selection: Selection, placement: Placement) -> Selection:
    """The selection with offsets measured in the attachment's own page text
    (the reader's PDF library extracts text a little differently), and ink
    rounded to what a page needs."""
    ink = tuple(
        tuple((round(x, 4), round(y, 4)) for x, y in stroke) for stroke in selection.ink
    )
    selection = replace(selection, ink=ink)
    if selection.quote is None or placement.record is None:
        return selection
    page = placement.attachment_page or 1
    text = page_texts(placement.record, page)[page - 1]
    found = find_quote([text], selection.quote, position_hint=selection.position)
    if found is None:
        return selection
    return replace(selection, position=TextPosition(found.start, found.end))


def set_target(annotation: Annotation, placement: Placement, selection) -> None:
    annotation.pack_page = placement.pack_page
    annotation.record = placement.record
    annotation.attachment_page = placement.attachment_page
    annotation.item_id = placement.item_id
    annotation.selectors = selection.as_selectors()


@transaction.atomic
def create_annotation(
    *,
    author,
    pack: BoardPack,
    motivation: str,
    page: int,
    record: Record | None = None,
    note: str = "",
    selection: Selection | None = None,
    shared: bool = False,
) -> Annotation:
    """Annotate `page` of a pack, or with `record`, of one of its attachments.
    Private unless `shared`.

    Raises PermissionDenied for anyone but the meeting's members and clerks,
    PackSuperseded in an older version, ValidationError for a page, note or
    selection that does not fit.
    """
    if not may_annotate(author, pack):
        raise PermissionDenied(
            _("Only members of the meeting's bodies and clerks annotate this pack.")
        )
    if newer_pack(pack) is not None:
        raise PackSuperseded(
            _("A newer version of this pack is out: reopen it to annotate.")
        )
    selection = selection or Selection()
    check_selection(motivation, note, selection)
    placement = place(pack, page, record)
    annotation = Annotation(
        author=author,
        meeting=pack.version.meeting,
        pack=pack,
        motivation=motivation,
        note=note,
        shared=shared,
    )
    set_target(annotation, placement, anchored(selection, placement))
    annotation.save()
    return annotation


def _check_author(annotation: Annotation, user) -> None:
    if user is None or annotation.author_id != user.pk:
        raise PermissionDenied(_("Only its author may change an annotation."))


@transaction.atomic
def update_annotation(
    *,
    annotation: Annotation,
    user,
    note: str | None = None,
    motivation: str | None = None,
    shared: bool | None = None,
    target: tuple[int, Record | None, Selection] | None = None,
) -> Annotation:
    """Change one's own annotation; what is None stays as it was.

    A new `target` (page, attachment or None, selection) is placed as in
    `create_annotation`, in the annotation's own pack, which must be the
    current version; placing it again clears an orphan mark.
    """
    _check_author(annotation, user)
    if shared and not may_annotate(user, annotation.pack):
        raise PermissionDenied(_("Only the meeting's members and clerks share."))
    note = annotation.note if note is None else note
    motivation = motivation or annotation.motivation
    if target is None:
        check_selection(motivation, note, annotation.selection)
    else:
        if newer_pack(annotation.pack) is not None:
            raise PackSuperseded(
                _("A newer version of this pack is out: reopen it to move this.")
            )
        page, record, selection = target
        check_selection(motivation, note, selection)
        placement = place(annotation.pack, page, record)
        set_target(annotation, placement, anchored(selection, placement))
        annotation.orphaned, annotation.orphan_reason = False, ""
    annotation.note, annotation.motivation = note, motivation
    if shared is not None:
        annotation.shared = shared
    annotation.modified_at = timezone.now()
    annotation.save()
    return annotation


def share_annotation(*, annotation: Annotation, user, shared: bool = True):
    """Show one's annotation, marked with one's name, to the members of the
    meeting's bodies and the clerks; `shared=False` makes it private again."""
    return update_annotation(annotation=annotation, user=user, shared=shared)


@transaction.atomic
def delete_annotation(*, annotation: Annotation, user) -> None:
    """Delete one's own annotation for good."""
    _check_author(annotation, user)
    annotation.delete()
