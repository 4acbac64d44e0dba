"""Members' annotations of board packs: highlights, notes, ink and bookmarks.

Stored close to the W3C Web Annotation Data Model: the target is an
attachment record (or, for the cover, contents and item separators, the
pack itself) and a page, refined by selectors kept as W3C-shaped JSON.
An annotation is private to its author unless shared with the members of
the meeting's bodies and the clerks.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from council.visibility import Role, has_role, member_body_ids
from meetings.anchoring import TextPosition, TextQuote
from meetings.models.meetings import Meeting
from meetings.models.versions import BoardPack

NOTE_MAX_LENGTH = 5000
QUOTE_MAX_LENGTH = 2000
CONTEXT_MAX_LENGTH = 200
MEDIA_FRAGMENTS = "http://www.w3.org/TR/media-frags/"


class Motivation(models.TextChoices):
    """W3C motivations; "drawing" (ink) is Quorum's own."""

    HIGHLIGHTING = "highlighting", _("Highlight")
    COMMENTING = "commenting", _("Note")
    DRAWING = "drawing", _("Ink")
    BOOKMARKING = "bookmarking", _("Bookmark")


@dataclass(frozen=True)
class Region:
    """A rectangle on a page in percent of its width and height; a point has
    no width or height."""

    x: float
    y: float
    w: float = 0.0
    h: float = 0.0

    @property
    def fragment(self) -> str:
        numbers = ",".join(f"{n:.4g}" for n in (self.x, self.y, self.w, self.h))
        return f"xywh=percent:{numbers}"


Stroke = tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class Selection:
    """What on the page an annotation is about (W3C selectors refining the
    page): a quoted passage and its offsets, a region, or ink strokes in
    page fractions (0–1, origin top left)."""

    quote: TextQuote | None = None
    position: TextPosition | None = None
    region: Region | None = None
    ink: tuple[Stroke, ...] = ()

    def as_selectors(self) -> list[dict]:
        selectors: list[dict] = []
        if self.quote is not None:
            selectors.append(
                {
                    "type": "TextQuoteSelector",
                    "exact": self.quote.exact,
                    "prefix": self.quote.prefix,
                    "suffix": self.quote.suffix,
                }
            )
        if self.position is not None:
            selectors.append(
                {
                    "type": "TextPositionSelector",
                    "start": self.position.start,
                    "end": self.position.end,
                }
            )
        if self.region is not None:
            selectors.append(
                {
                    "type": "FragmentSelector",
                    "conformsTo": MEDIA_FRAGMENTS,
                    "value": self.region.fragment,
                }
            )
        if self.ink:
            selectors.append(
                {
                    "type": "InkSelector",
                    "strokes": [[[x, y] for x, y in stroke] for stroke in self.ink],
                }
            )
        return selectors

    @classmethod
    def from_selectors(cls, selectors: list[dict]) -> Selection:
        """The selection stored by `as_selectors` (trusted: validated before)."""
        found: dict = {}
        for selector in selectors:
            kind = selector.get("type")
            if kind == "TextQuoteSelector":
                found["quote"] = TextQuote(
                    selector["exact"],
                    selector.get("prefix", ""),
                    selector.get("suffix", ""),
                )
            elif kind == "TextPositionSelector":
                found["position"] = TextPosition(selector["start"], selector["end"])
            elif kind == "FragmentSelector":
                numbers = selector["value"].split(":", 1)[1].split(",")
                found["region"] = Region(*(float(n) for n in numbers))
            elif kind == "InkSelector":
                found["ink"] = tuple(
                    tuple((x, y) for x, y in stroke) for stroke in selector["strokes"]
                )
        return cls(**found)


class AnnotationQuerySet(models.QuerySet):
    def readable_by(self, user) -> AnnotationQuerySet:
        """The user's own annotations and those shared with them, in packs
        they may open. Others' private annotations are never included."""
        from records.models import Record

        if user is None or not user.is_authenticated:
            return self.none()
        shared = Q(shared=True)
        if not has_role(user, Role.CLERK):
            sits_on = Meeting.objects.filter(bodies__in=member_body_ids(user))
            shared &= Q(meeting__in=sits_on.values("pk"))
        packs = BoardPack.objects.filter(record__in=Record.objects.visible_to(user))
        return self.filter(Q(author=user) | shared, pack__in=packs.values("pk"))

    def private(self) -> AnnotationQuerySet:
        return self.filter(shared=False)


class Annotation(models.Model):
    """A highlight, note, ink drawing or bookmark made by a member in a pack.

    `pack` is the pack the annotation is shown in: re-anchoring moves it to
    each new version of that pack. One that cannot be placed in the new
    version stays where it was made, `orphaned`, with the reason.
    """

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.CASCADE,
        related_name="annotations",
    )
    meeting = models.ForeignKey(
        "meetings.Meeting",
        verbose_name=_("meeting"),
        on_delete=models.CASCADE,
        related_name="annotations",
    )
    pack = models.ForeignKey(
        "meetings.BoardPack",
        verbose_name=_("board pack"),
        on_delete=models.CASCADE,
        related_name="annotations",
    )
    record = models.ForeignKey(
        "records.Record",
        verbose_name=_("attachment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty for the cover, contents and item separator pages."),
    )
    item = models.ForeignKey(
        "meetings.AgendaItem",
        verbose_name=_("agenda item"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The item whose separator or attachment carries it."),
    )
    motivation = models.CharField(_("kind"), max_length=16, choices=Motivation.choices)
    note = models.TextField(_("note"), max_length=NOTE_MAX_LENGTH, blank=True)
    pack_page = models.PositiveIntegerField(_("page in the pack"))
    attachment_page = models.PositiveIntegerField(
        _("page in the attachment"), null=True, blank=True
    )
    selectors = models.JSONField(_("selectors"), default=list, blank=True)
    shared = models.BooleanField(
        _("shared with the body"),
        default=False,
        help_text=_("Shown, with its author, to the body's members and clerks."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    modified_at = models.DateTimeField(_("modified at"), default=timezone.now)
    orphaned = models.BooleanField(_("could not be placed"), default=False)
    orphan_reason = models.CharField(_("why"), max_length=300, blank=True)

    objects = AnnotationQuerySet.as_manager()

    class Meta:
        ordering = ["pack", "pack_page", "created_at", "pk"]
        indexes = [
            models.Index(fields=["pack", "author"]),
            models.Index(fields=["meeting", "shared"]),
        ]
        verbose_name = _("annotation")
        verbose_name_plural = _("annotations")

    def __str__(self) -> str:
        return f"{self.get_motivation_display()} · p. {self.pack_page} · {self.pk}"

    @property
    def selection(self) -> Selection:
        return Selection.from_selectors(self.selectors or [])
