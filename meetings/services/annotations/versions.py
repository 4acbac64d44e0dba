"""Carrying annotations into a new version of their pack (an addendum)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from meetings.anchoring import Anchor, TextPosition, reanchor
from meetings.models import Annotation, BoardPack, PackStatus
from meetings.models.annotations import Selection
from meetings.services.annotations.layout import (
    PackLayout,
    PlacedAttachment,
    pack_layout,
    page_texts,
)
from meetings.services.annotations.writing import Placement, set_target
from records.models import Record

logger = logging.getLogger(__name__)


@dataclass
class ReanchorReport:
    """Ids of the annotations moved into the new pack and of those left."""

    moved: list[int] = field(default_factory=list)
    orphaned: list[int] = field(default_factory=list)


@transaction.atomic
def reanchor_annotations(*, from_pack: BoardPack, to_pack: BoardPack) -> ReanchorReport:
    """Move the annotations of a pack into its next version.

    Each follows the file it was made on to its new pages; if the file was
    replaced (by a new version of the record, or under the same title on the
    same item) the quoted text is looked for in the new file. Notes on the
    cover and contents keep their page; those on an item's separator follow
    the item. What cannot be placed stays in the pack it was made in, marked
    orphaned with the reason, and is listed for its author. Orphans of
    earlier versions are tried again.
    """
    layouts = {from_pack.pk: pack_layout(from_pack)}
    new = pack_layout(to_pack)
    candidates = Annotation.objects.filter(
        Q(pack=from_pack)
        | Q(
            orphaned=True,
            meeting_id=to_pack.version.meeting_id,
            pack__edition=to_pack.edition,
            pack__version__number__lt=to_pack.version.number,
        )
    ).select_related("record", "pack__version")
    report = ReanchorReport()
    for annotation in candidates:
        if annotation.pack_id not in layouts:
            layouts[annotation.pack_id] = pack_layout(annotation.pack)
        outcome = _carried(annotation, layouts[annotation.pack_id], new)
        if isinstance(outcome, str):
            annotation.orphaned, annotation.orphan_reason = True, outcome[:300]
            annotation.save(update_fields=["orphaned", "orphan_reason"])
            report.orphaned.append(annotation.pk)
            continue
        placement, selection = outcome
        annotation.pack = to_pack
        set_target(annotation, placement, selection)
        annotation.orphaned, annotation.orphan_reason = False, ""
        annotation.save()
        report.moved.append(annotation.pk)
    logger.info(
        "Annotations carried into %s: %d moved, %d not placed",
        to_pack,
        len(report.moved),
        len(report.orphaned),
    )
    return report


def carry_annotations_forward(*, to_pack: BoardPack) -> ReanchorReport | None:
    """After a new version's pack is compiled, bring in the annotations of
    the previous ready pack of the same edition.

    Called by the pack compiler; a failure is logged and leaves the
    annotations where they were, so the new pack is still delivered.
    """
    previous = (
        BoardPack.objects.filter(
            version__meeting_id=to_pack.version.meeting_id,
            edition=to_pack.edition,
            status=PackStatus.READY,
            version__number__lt=to_pack.version.number,
        )
        .order_by("-version__number")
        .first()
    )
    if previous is None:
        return None
    try:
        return reanchor_annotations(from_pack=previous, to_pack=to_pack)
    except Exception:
        logger.exception("Annotations could not be carried into %s", to_pack)
        return None


Carried = tuple[Placement, Selection] | str


def _carried(annotation: Annotation, old: PackLayout, new: PackLayout) -> Carried:
    """Where the annotation goes in the new pack, or why it cannot go."""
    if annotation.record_id is None:
        return _front_matter_carried(annotation, old, new)
    old_place = old.find(annotation.record_id, annotation.item_id)
    title = old_place.title if old_place else annotation.record.title
    target = _successor(annotation, title, new)
    if target is None:
        return _("“%(file)s” is no longer in the pack.") % {"file": title}
    record = Record.objects.get(pk=target.record_id)
    same_text = record.sha256 == annotation.record.sha256
    selection = annotation.selection
    page = (annotation.attachment_page or 1) - 1
    if selection.quote is not None:
        anchor = reanchor(
            page_texts(record, target.page_count),
            page=page,
            quote=selection.quote,
            position=selection.position,
            same_text=same_text,
        )
        if anchor is None:
            return _("The highlighted text is not in the new “%(file)s”.") % {
                "file": target.title
            }
        selection = replace(selection, position=TextPosition(anchor.start, anchor.end))
    elif same_text:
        anchor = Anchor(page, 0, 0, "", "position")
    else:
        return _(
            "“%(file)s” was replaced: drawings, pinned notes and bookmarks "
            "cannot be placed again by their text."
        ) % {"file": target.title}
    if anchor.page >= target.page_count:
        return _("The page is no longer in “%(file)s”.") % {"file": target.title}
    return (
        Placement(
            target.first_page + anchor.page, record, anchor.page + 1, target.item_id
        ),
        selection,
    )


def _successor(
    annotation: Annotation, title: str, new: PackLayout
) -> PlacedAttachment | None:
    """The attachment of the new pack that continues the annotated one: the
    same record, a later version of it, or the same title on the same item."""
    record_id = annotation.record_id
    while record_id is not None:
        placed = new.find(record_id, annotation.item_id)
        if placed is not None:
            return placed
        record_id = (
            Record.objects.filter(previous_version_id=record_id)
            .values_list("pk", flat=True)
            .first()
        )
    if annotation.item_id is None:
        return None
    return next(
        (
            a
            for a in new.attachments
            if a.item_id == annotation.item_id and a.title == title
        ),
        None,
    )


def _front_matter_carried(
    annotation: Annotation, old: PackLayout, new: PackLayout
) -> Carried:
    page = annotation.pack_page
    if page <= old.front_matter_pages:
        if page <= new.front_matter_pages:
            return Placement(page, None, None, None), annotation.selection
        return _("That page of the agenda contents is no longer in the pack.")
    old_item, new_item = old.item(annotation.item_id), new.item(annotation.item_id)
    if annotation.item_id is None or old_item is None or new_item is None:
        return _("The agenda item is no longer in the pack.")
    offset = min(page - old_item.first_page, new_item.separator_pages - 1)
    placement = Placement(new_item.first_page + offset, None, None, new_item.item_id)
    return placement, annotation.selection
