"""Reads for the members' portal, the pack reader and the paper-saved report.

Who reads what: members read the packs of meetings of the bodies they sit on
today; clerks read every meeting's. Which pack files a reader may open is
still decided by the records' visibility (`meetings.selectors.packs_for`).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from council.models import Body, Seat
from council.visibility import Role, has_role, member_body_ids
from meetings.models import (
    AgendaVersion,
    Annotation,
    BoardPack,
    Meeting,
    PackEdition,
    PackOpen,
    PackStatus,
)
from meetings.selectors import packs_for
from records.models import Record

RECENT_DAYS = 90
PORTAL_LIMIT = 12


def readable_meetings(user) -> QuerySet[Meeting]:
    """Meetings whose packs `user` reads in the portal: those of the bodies
    they sit on today; for clerks, every meeting."""
    if user is None or not user.is_authenticated:
        return Meeting.objects.none()
    if has_role(user, Role.CLERK):
        return Meeting.objects.all()
    return Meeting.objects.filter(
        pk__in=Meeting.bodies.through.objects.filter(
            body_id__in=member_body_ids(user)
        ).values("meeting_id")
    )


def may_read(user, meeting: Meeting) -> bool:
    return readable_meetings(user).filter(pk=meeting.pk).exists()


def reading_pack(user, meeting: Meeting, pack_id: int | None = None):
    """The pack the reader shows: `pack_id` if the user may open it, else the
    newest version's members' pack (or its public pack for those who may
    not open the members' one). None before any pack is ready."""
    packs = packs_for(user, meeting)
    if pack_id is not None:
        return next((pack for pack in packs if pack.pk == pack_id), None)
    if not packs:
        return None
    newest = [p for p in packs if p.version.number == packs[0].version.number]
    return next((p for p in newest if p.edition == PackEdition.MEMBERS), newest[0])


@dataclass
class PortalEntry:
    """A meeting in "My meetings", with the reader's marks."""

    meeting: Meeting
    pack: BoardPack | None = None
    last_opened: datetime.datetime | None = None
    opened_version: int | None = None
    # Versions published after the one the member last opened.
    addenda: list[AgendaVersion] = field(default_factory=list)
    own_annotations: int = 0
    shared_by_others: int = 0

    @property
    def version(self) -> int | None:
        return self.pack.version.number if self.pack else None

    @property
    def unread(self) -> bool:
        return self.pack is not None and self.last_opened is None

    @property
    def has_new_addenda(self) -> bool:
        return bool(self.addenda)


@dataclass
class Portal:
    upcoming: list[PortalEntry]
    recent: list[PortalEntry]

    @property
    def entries(self) -> list[PortalEntry]:
        return self.upcoming + self.recent


def portal(user, now: datetime.datetime | None = None) -> Portal:
    """The member's upcoming meetings and those of the last 90 days, each
    with its newest pack, what changed since they last opened it and how
    many annotations they and others made."""
    now = now or timezone.now()
    today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    meetings = readable_meetings(user).prefetch_related("bodies")
    upcoming = list(meetings.filter(starts_at__gte=today).order_by("starts_at"))
    recent = list(
        meetings.filter(
            starts_at__lt=today, starts_at__gte=today - datetime.timedelta(RECENT_DAYS)
        ).order_by("-starts_at")
    )
    entries = {
        m.pk: PortalEntry(m) for m in upcoming[:PORTAL_LIMIT] + recent[:PORTAL_LIMIT]
    }
    _add_packs(user, entries)
    _add_opens(user, entries)
    _add_annotation_counts(user, entries)
    return Portal(
        upcoming=[entries[m.pk] for m in upcoming[:PORTAL_LIMIT]],
        recent=[entries[m.pk] for m in recent[:PORTAL_LIMIT]],
    )


def _add_packs(user, entries: dict[int, PortalEntry]) -> None:
    packs = (
        BoardPack.objects.filter(
            version__meeting__in=list(entries),
            status=PackStatus.READY,
            record__in=Record.objects.visible_to(user),
        )
        .select_related("version")
        .order_by("-version__number", "edition")
    )
    for pack in packs:  # newest version first, the members' pack before the public
        entry = entries[pack.version.meeting_id]
        if entry.pack is None:
            entry.pack = pack


def _add_opens(user, entries: dict[int, PortalEntry]) -> None:
    opens = (
        PackOpen.objects.filter(user=user, pack__version__meeting__in=list(entries))
        .values("pack__version__meeting_id")
        .annotate(last=Max("opened_at"), version=Max("pack__version__number"))
    )
    for row in opens:
        entry = entries[row["pack__version__meeting_id"]]
        entry.last_opened, entry.opened_version = row["last"], row["version"]
    opened = {pk: e.opened_version for pk, e in entries.items() if e.opened_version}
    if not opened:
        return
    versions = (
        AgendaVersion.objects.filter(meeting__in=list(opened))
        .annotate(changed_items=Count("items", filter=Q(items__is_changed=True)))
        .order_by("number")
    )
    for version in versions:
        if version.number > opened[version.meeting_id]:
            entries[version.meeting_id].addenda.append(version)


def _add_annotation_counts(user, entries: dict[int, PortalEntry]) -> None:
    counts = (
        Annotation.objects.readable_by(user)
        .filter(meeting__in=list(entries))
        .values("meeting_id")
        .annotate(
            own=Count("pk", filter=Q(author=user)),
            others=Count("pk", filter=~Q(author=user)),
        )
    )
    for row in counts:
        entry = entries[row["meeting_id"]]
        entry.own_annotations, entry.shared_by_others = row["own"], row["others"]


# --- Paper saved --------------------------------------------------------------


@dataclass
class PaperSaved:
    """One body's packs read on screen in one year."""

    body: Body
    year: int
    copies: int  # printed copies of a members' pack: seats + extra copies
    packs_read: int = 0  # members' packs opened at least once
    readers: set = field(default_factory=set)
    pages_delivered: int = 0  # pack pages opened on screen, per reader
    pages_not_printed: int = 0  # pages x copies of the packs read on screen

    @property
    def reader_count(self) -> int:
        return len(self.readers)


def paper_saved(year: int | None = None) -> list[PaperSaved]:
    """Per body and year (of the meeting): pages delivered on screen and the
    paper not printed.

    Pages delivered count each pack once per member who opened it. Paper not
    printed counts every members' pack opened at least once as the copies a
    clerk would have printed: one per seat of the body plus
    QUORUM_PAPER_EXTRA_COPIES. A meeting of several bodies counts for each.
    """
    opened = (
        PackOpen.objects.values("pack_id", "user_id")
        .annotate(pages=Max("pages"))
        .order_by()
    )
    if year is not None:
        opened = opened.filter(pack__version__meeting__starts_at__year=year)
    by_pack: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for row in opened:
        by_pack[row["pack_id"]].append((row["user_id"], row["pages"]))
    packs = BoardPack.objects.filter(pk__in=list(by_pack)).values(
        "pk",
        "edition",
        "page_count",
        "version__meeting_id",
        "version__meeting__starts_at",
    )
    packs = list(packs)
    meeting_bodies = defaultdict(list)
    for meeting_id, body_id in Meeting.bodies.through.objects.filter(
        meeting_id__in={p["version__meeting_id"] for p in packs}
    ).values_list("meeting_id", "body_id"):
        meeting_bodies[meeting_id].append(body_id)
    bodies = Body.objects.in_bulk({b for ids in meeting_bodies.values() for b in ids})
    seats = dict(
        Seat.objects.filter(body__in=list(bodies))
        .values("body_id")
        .annotate(n=Count("pk"))
        .values_list("body_id", "n")
    )
    extra = settings.QUORUM_PAPER_EXTRA_COPIES
    rows: dict[tuple[int, int], PaperSaved] = {}
    for pack in packs:
        pack_year = timezone.localtime(pack["version__meeting__starts_at"]).year
        readers = by_pack[pack["pk"]]
        for body_id in meeting_bodies[pack["version__meeting_id"]]:
            key = (body_id, pack_year)
            if key not in rows:
                copies = seats.get(body_id, 0) + extra
                rows[key] = PaperSaved(bodies[body_id], pack_year, copies)
            row = rows[key]
            row.readers.update(user for user, _pages in readers)
            row.pages_delivered += sum(pages for _user, pages in readers)
            if pack["edition"] == PackEdition.MEMBERS:
                row.packs_read += 1
                row.pages_not_printed += (pack["page_count"] or 0) * row.copies
    return sorted(rows.values(), key=lambda r: (-r.year, r.body.name))


def paper_years() -> list[int]:
    """Years of meetings whose packs were opened, newest first."""
    dates = Meeting.objects.filter(versions__packs__opens__isnull=False).dates(
        "starts_at", "year", order="DESC"
    )
    return sorted({d.year for d in dates}, reverse=True)
