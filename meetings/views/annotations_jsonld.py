"""W3C Web Annotations as JSON-LD: presenting annotations and reading them
from the reader's requests, strictly (BadRequest says what is wrong).

The target is the attachment file (or, for the cover, contents and item
separators, the pack file) with a PDF page FragmentSelector ("page=N")
refined by TextQuote/TextPosition selectors, a media-fragment area
("xywh=percent:x,y,w,h"), or ink (Quorum's InkSelector, also given as an
SvgSelector). The "quorum" member carries the pack page, shared and
orphaned flags.
"""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.http import HttpRequest
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _

from meetings.anchoring import TextPosition, TextQuote
from meetings.models import Annotation, BoardPack
from meetings.models.annotations import MEDIA_FRAGMENTS, Region, Selection
from meetings.services import annotations as service
from records.models import Record

ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
LD_CONTENT_TYPE = f'application/ld+json; profile="{ANNO_CONTEXT}"'
ACCEPTED_TYPES = ("application/ld+json", "application/json")
PDF_FRAGMENTS = "http://tools.ietf.org/rfc/rfc3778"
MAX_BODY_BYTES = 512 * 1024

_PAGE = re.compile(r"page=([1-9][0-9]{0,6})")
_NUMBER = r"(-?[0-9]+(?:\.[0-9]+)?)"
_REGION = re.compile(rf"xywh=percent:{_NUMBER},{_NUMBER},{_NUMBER},{_NUMBER}")
# Keys of our own output that a client may send back unchanged; ignored.
_SERVER_KEYS = {"id", "creator", "created", "modified"}
_QUORUM_READ_ONLY = {
    "pack",
    "packFile",
    "packVersion",
    "packPage",
    "mine",
    "orphaned",
    "orphanReason",
}


class BadRequest(Exception):
    """The request cannot be read as an annotation; the message says why."""


class UnsupportedMediaType(BadRequest):
    """The request body is not JSON."""


# --- Presenting --------------------------------------------------------------


def _timestamp(moment: datetime.datetime) -> str:
    utc = moment.astimezone(datetime.UTC).replace(microsecond=0)
    return utc.isoformat().replace("+00:00", "Z")


def _svg(strokes: list) -> str:
    """Ink as an SVG drawing in percent of the page (the W3C SvgSelector)."""
    lines = "".join(
        '<polyline points="{}"/>'.format(
            " ".join(f"{x * 100:.2f},{y * 100:.2f}" for x, y in stroke)
        )
        for stroke in strokes
    )
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100" '
        f'preserveAspectRatio="none" fill="none" stroke="currentColor">{lines}</svg>'
    )


def annotation_ld(request: HttpRequest, annotation: Annotation) -> dict:
    """One annotation as a W3C Web Annotation, with Quorum's extension."""
    pack = annotation.pack
    pack_file = request.build_absolute_uri(pack.record.get_absolute_url())
    if annotation.record_id:
        source = request.build_absolute_uri(annotation.record.get_absolute_url())
        page = annotation.attachment_page
    else:
        source, page = pack_file, annotation.pack_page
    selector = {
        "type": "FragmentSelector",
        "conformsTo": PDF_FRAGMENTS,
        "value": f"page={page}",
    }
    refinements = list(annotation.selectors)
    for refinement in annotation.selectors:
        if refinement["type"] == "InkSelector":
            refinements.append(
                {"type": "SvgSelector", "value": _svg(refinement["strokes"])}
            )
    if refinements:
        selector["refinedBy"] = refinements
    data = {
        "@context": ANNO_CONTEXT,
        "id": request.build_absolute_uri(
            reverse("meetings_annotation", args=[annotation.pk])
        ),
        "type": "Annotation",
        "motivation": annotation.motivation,
        "creator": {"type": "Person", "name": service.author_name(annotation.author)},
        "created": _timestamp(annotation.created_at),
        "modified": _timestamp(annotation.modified_at),
        "target": {"type": "SpecificResource", "source": source, "selector": selector},
        "quorum": {
            "pack": request.build_absolute_uri(
                reverse("meetings_pack_annotations", args=[pack.pk])
            ),
            "packFile": pack_file,
            "packVersion": pack.version.number,
            "packPage": annotation.pack_page,
            "shared": annotation.shared,
            "mine": annotation.author_id == request.user.pk,
            "orphaned": annotation.orphaned,
            "orphanReason": annotation.orphan_reason,
        },
    }
    if annotation.note:
        data["body"] = {
            "type": "TextualBody",
            "value": annotation.note,
            "format": "text/plain",
            "purpose": "commenting",
        }
    return data


def collection_ld(request: HttpRequest, pack: BoardPack) -> dict:
    url = request.build_absolute_uri(
        reverse("meetings_pack_annotations", args=[pack.pk])
    )
    items = [
        annotation_ld(request, a)
        for a in service.annotations_in_pack(request.user, pack)
    ]
    orphans = [
        annotation_ld(request, a)
        for a in service.orphans_of_earlier_versions(request.user, pack)
    ]
    return {
        "@context": ANNO_CONTEXT,
        "id": url,
        "type": "AnnotationCollection",
        "label": str(pack),
        "total": len(items),
        "first": {
            "id": f"{url}#page-1",
            "type": "AnnotationPage",
            "startIndex": 0,
            "items": items,
        },
        "quorum": {"notPlaced": orphans},
    }


# --- Reading requests --------------------------------------------------------


@dataclass
class AnnotationInput:
    """What a request asks for; None where it says nothing."""

    motivation: str | None = None
    note: str | None = None
    shared: bool | None = None
    target: tuple[int, Record | None, Selection] | None = None


def request_json(request: HttpRequest) -> dict:
    if request.content_type not in ACCEPTED_TYPES:
        raise UnsupportedMediaType(_("Send the annotation as application/ld+json."))
    if len(request.body) > MAX_BODY_BYTES:
        raise BadRequest(_("The annotation is too large."))
    try:
        data = json.loads(request.body, parse_constant=_no_constant)
    except (ValueError, UnicodeDecodeError) as error:
        raise BadRequest(_("The request is not valid JSON.")) from error
    if not isinstance(data, dict):
        raise BadRequest(_("Send one annotation as a JSON object."))
    return data


def _no_constant(name: str):
    raise ValueError(name)


def _keys(value: dict, allowed: set[str], what: str) -> None:
    unknown = sorted(set(value) - allowed)
    if unknown:
        raise BadRequest(
            _("Unknown field %(fields)s in %(what)s.")
            % {"fields": ", ".join(f"“{k}”" for k in unknown), "what": what}
        )


def _string(value, what: str, *, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise BadRequest(_("%(what)s must be text.") % {"what": what})
    return value


def _integer(value, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadRequest(_("%(what)s must be a whole number.") % {"what": what})
    return value


def _number(value, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise BadRequest(_("%(what)s must be a number.") % {"what": what})
    return float(value)


def parse_annotation(
    data: dict, pack: BoardPack, *, partial: bool = False
) -> AnnotationInput:
    """Read a W3C annotation sent by the reader; BadRequest says what is wrong.

    On create (`partial=False`) motivation and target are required; on PATCH
    only what is given changes. The server's own fields (id, creator,
    created, modified, and Quorum's read-only ones) may be sent back as they
    were and are ignored.
    """
    _keys(
        data,
        {"@context", "type", "motivation", "body", "target", "quorum"} | _SERVER_KEYS,
        _("the annotation"),
    )
    context = data.get("@context", ANNO_CONTEXT)
    if context != ANNO_CONTEXT and not (
        isinstance(context, list) and ANNO_CONTEXT in context
    ):
        raise BadRequest(_("The @context must be %(url)s.") % {"url": ANNO_CONTEXT})
    if data.get("type", "Annotation") != "Annotation":
        raise BadRequest(_("The type must be “Annotation”."))
    parsed = AnnotationInput()
    if "motivation" in data or not partial:
        parsed.motivation = _string(data.get("motivation"), _("The motivation"))
    if "body" in data:
        parsed.note = _parse_body(data["body"])
    if "target" in data or not partial:
        parsed.target = _parse_target(data.get("target"), pack)
    quorum = data.get("quorum", {})
    if not isinstance(quorum, dict):
        raise BadRequest(_("“quorum” must be an object."))
    _keys(quorum, {"shared"} | _QUORUM_READ_ONLY, _("“quorum”"))
    if "shared" in quorum:
        if not isinstance(quorum["shared"], bool):
            raise BadRequest(_("“shared” must be true or false."))
        parsed.shared = quorum["shared"]
    return parsed


def _parse_body(body) -> str:
    """The note: one TextualBody in plain text (or null/[] for none)."""
    if body is None or body == []:
        return ""
    if isinstance(body, list):
        if len(body) != 1:
            raise BadRequest(_("An annotation has at most one note."))
        body = body[0]
    if not isinstance(body, dict):
        raise BadRequest(_("The body must be a TextualBody object."))
    _keys(body, {"type", "value", "format", "purpose", "language"}, _("the body"))
    if body.get("type", "TextualBody") != "TextualBody":
        raise BadRequest(_("The body must be a TextualBody."))
    if body.get("format", "text/plain") != "text/plain":
        raise BadRequest(_("Notes are plain text: the format must be text/plain."))
    return _string(body.get("value"), _("The note"))


def _parse_target(target, pack: BoardPack) -> tuple[int, Record | None, Selection]:
    if not isinstance(target, dict):
        raise BadRequest(
            _("The target must be an object with a source and a selector.")
        )
    _keys(target, {"type", "source", "selector"}, _("the target"))
    if target.get("type", "SpecificResource") != "SpecificResource":
        raise BadRequest(_("The target must be a SpecificResource."))
    record = _source_record(target.get("source"), pack)
    selector = target.get("selector")
    if isinstance(selector, list):  # the flat form: page and refinements
        pages = [s for s in selector if isinstance(s, dict) and _is_page(s)]
        if len(pages) != 1:
            raise BadRequest(_("Give exactly one page selector (page=N)."))
        refinements = [s for s in selector if s is not pages[0]]
        selector = {**pages[0], "refinedBy": refinements}
    if not isinstance(selector, dict) or not _is_page(selector):
        raise BadRequest(
            _("The selector must be a FragmentSelector with the page (page=N).")
        )
    _keys(selector, {"type", "conformsTo", "value", "refinedBy"}, _("the selector"))
    page = int(_PAGE.fullmatch(selector["value"]).group(1))
    refinements = selector.get("refinedBy", [])
    if isinstance(refinements, dict):
        refinements = [refinements]
    if not isinstance(refinements, list):
        raise BadRequest(_("refinedBy must be a selector or a list of them."))
    return page, record, _parse_refinements(refinements)


def _is_page(selector: dict) -> bool:
    return (
        selector.get("type") == "FragmentSelector"
        and selector.get("conformsTo", PDF_FRAGMENTS) == PDF_FRAGMENTS
        and isinstance(selector.get("value"), str)
        and bool(_PAGE.fullmatch(selector["value"]))
    )


def _source_record(source, pack: BoardPack) -> Record | None:
    """None for the pack itself (pack pages), else the attachment record."""
    if source is None:
        return None
    source = _string(source, _("The target source"))
    try:
        match = resolve(urlsplit(source).path)
    except Resolver404:
        match = None
    if match is None or match.url_name != "records_download":
        raise BadRequest(_("The target must be this pack or one of its files."))
    if match.kwargs["pk"] == pack.record_id:
        return None
    record = Record.objects.filter(pk=match.kwargs["pk"]).first()
    if record is None:  # the same answer as for a file in another pack
        raise BadRequest(_("That file is not in this pack."))
    return record


def _parse_refinements(selectors: list) -> Selection:
    found: dict = {}
    has_ink = any(
        isinstance(s, dict) and s.get("type") == "InkSelector" for s in selectors
    )
    for selector in selectors:
        if not isinstance(selector, dict):
            raise BadRequest(_("Each selector must be an object."))
        kind = selector.get("type")
        if kind == "SvgSelector" and has_ink:
            continue  # our own rendering of the ink, sent back
        parse = _REFINEMENTS.get(kind)
        if parse is None:
            raise BadRequest(
                _("Unsupported selector “%(type)s”: use %(types)s.")
                % {"type": kind, "types": ", ".join(sorted(_REFINEMENTS))}
            )
        name, value = parse(selector)
        if name in found:
            raise BadRequest(_("Give each kind of selector once."))
        found[name] = value
    return Selection(**found)


def _quote(selector: dict):
    _keys(selector, {"type", "exact", "prefix", "suffix"}, "TextQuoteSelector")
    return "quote", TextQuote(
        _string(selector.get("exact"), _("The quoted text")),
        _string(selector.get("prefix"), _("The prefix"), required=False),
        _string(selector.get("suffix"), _("The suffix"), required=False),
    )


def _position(selector: dict):
    _keys(selector, {"type", "start", "end"}, "TextPositionSelector")
    return "position", TextPosition(
        _integer(selector.get("start"), _("The start")),
        _integer(selector.get("end"), _("The end")),
    )


def _region(selector: dict):
    _keys(selector, {"type", "conformsTo", "value"}, _("the area selector"))
    value = selector.get("value")
    match = _REGION.fullmatch(value) if isinstance(value, str) else None
    if selector.get("conformsTo", MEDIA_FRAGMENTS) != MEDIA_FRAGMENTS or not match:
        raise BadRequest(_("Give an area as xywh=percent:x,y,w,h."))
    return "region", Region(*(float(n) for n in match.groups()))


def _ink(selector: dict):
    _keys(selector, {"type", "strokes"}, "InkSelector")
    strokes = selector.get("strokes")
    if not isinstance(strokes, list):
        raise BadRequest(_("Ink strokes must be a list of [x, y] point lists."))
    parsed = []
    for stroke in strokes:
        if not isinstance(stroke, list):
            raise BadRequest(_("Ink strokes must be a list of [x, y] point lists."))
        points = []
        for point in stroke:
            if not isinstance(point, list) or len(point) != 2:
                raise BadRequest(_("Each ink point is [x, y]."))
            points.append(tuple(_number(n, _("An ink coordinate")) for n in point))
        parsed.append(tuple(points))
    return "ink", tuple(parsed)


_REFINEMENTS = {
    "TextQuoteSelector": _quote,
    "TextPositionSelector": _position,
    "FragmentSelector": _region,
    "InkSelector": _ink,
}
