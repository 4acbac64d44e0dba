"""Reads of meetings, agendas, versions and packs."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone

from council import selectors as council_selectors
from council.models import Body, Membership, MembershipRole, Person, Seat
from council.visibility import Visibility
from meetings.models import (
    IN_THE_ROOM,
    AgendaItem,
    AgendaSection,
    AgendaVersion,
    BoardPack,
    Meeting,
    Motion,
    PackEdition,
    PackStatus,
    PublishedAttachment,
    PublishedItem,
    PublishedSection,
    VoteOption,
)
from meetings.voting import Tally
from records.models import Record


def item_letter(index: int) -> str:
    """0 → "a", 25 → "z", 26 → "aa": the letter part of "5.a"."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("a") + remainder) + letters
    return letters


@dataclass
class NumberedItem:
    number: str
    item: AgendaItem


@dataclass
class NumberedSection:
    number: str
    section: AgendaSection
    items: list[NumberedItem] = field(default_factory=list)


def working_agenda(meeting: Meeting) -> list[NumberedSection]:
    """The clerk's current agenda, numbered "5", "5.a", "5.b" in order."""
    sections = meeting.sections.prefetch_related(
        Prefetch(
            "items",
            queryset=AgendaItem.objects.select_related("sponsor", "submission")
            .prefetch_related("attachments__record")
            .order_by("sort_order", "pk"),
        )
    ).order_by("sort_order", "pk")
    numbered = []
    for section_index, section in enumerate(sections, start=1):
        entry = NumberedSection(str(section_index), section)
        for item_index, item in enumerate(section.items.all()):
            entry.items.append(
                NumberedItem(f"{section_index}.{item_letter(item_index)}", item)
            )
        numbered.append(entry)
    return numbered


def notice_deadline(meeting: Meeting) -> datetime.datetime:
    """The latest moment the agenda may be published without a late reason:
    the longest notice period among the meeting's bodies."""
    hours = max((body.notice_period_hours for body in meeting.bodies.all()), default=0)
    return meeting.starts_at - datetime.timedelta(hours=hours)


def latest_version(meeting: Meeting) -> AgendaVersion | None:
    return meeting.versions.order_by("-number").first()


@dataclass
class AgendaSectionView:
    section: PublishedSection
    items: list[PublishedItem]


def published_agenda(version: AgendaVersion, user) -> list[AgendaSectionView]:
    """A frozen agenda as `user` may see it: hidden items are simply absent."""
    items = (
        PublishedItem.objects.filter(version=version)
        .visible_to(user)
        .prefetch_related(
            Prefetch(
                "attachments",
                queryset=PublishedAttachment.objects.select_related("record"),
            )
        )
        .order_by("sort_order")
    )
    by_section: dict[int, list[PublishedItem]] = {}
    for item in items:
        by_section.setdefault(item.section_id, []).append(item)
    return [
        AgendaSectionView(section, by_section.get(section.pk, []))
        for section in version.sections.order_by("sort_order")
    ]


def pack_items(version: AgendaVersion, edition: str) -> QuerySet[PublishedItem]:
    """The items an edition of the pack contains: the public pack holds only
    public items; the members' pack holds them all."""
    items = PublishedItem.objects.filter(version=version)
    if edition == PackEdition.PUBLIC:
        items = items.filter(visibility=Visibility.PUBLIC)
    return items.order_by("sort_order")


def packs_for(user, meeting: Meeting) -> list[BoardPack]:
    """Every ready pack of every version of `meeting` that `user` may download,
    newest version first."""
    return list(
        BoardPack.objects.filter(
            version__meeting=meeting,
            status=PackStatus.READY,
            record__in=Record.objects.visible_to(user),
        )
        .select_related("version", "record")
        .order_by("-version__number", "edition")
    )


def meetings_of(
    *, body: Body | None = None, year: int | None = None
) -> QuerySet[Meeting]:
    meetings = Meeting.objects.prefetch_related("bodies")
    if body is not None:
        meetings = meetings.of_body(body)
    if year is not None:
        meetings = meetings.filter(starts_at__year=year)
    return meetings


def meeting_years() -> list[int]:
    return [d.year for d in Meeting.objects.dates("starts_at", "year", order="DESC")]


Layout = list[tuple[int, list[int]]]


def layout_with_move(layout: Layout, item_id: int, direction: str) -> Layout:
    """The agenda order after moving one item a step "up" or "down"; at the
    edge of a section the item crosses into the neighbouring section."""
    moved = [(section, list(items)) for section, items in layout]
    for index, (_section, items) in enumerate(moved):
        if item_id not in items:
            continue
        position = items.index(item_id)
        step = -1 if direction == "up" else 1
        if 0 <= position + step < len(items):
            items[position], items[position + step] = (
                items[position + step],
                items[position],
            )
        elif 0 <= index + step < len(moved):
            items.remove(item_id)
            neighbour = moved[index + step][1]
            if step < 0:
                neighbour.append(item_id)
            else:
                neighbour.insert(0, item_id)
        return moved
    raise ValueError(f"Item {item_id} is not on this agenda")


def all_packs(meeting: Meeting) -> QuerySet[BoardPack]:
    return BoardPack.objects.filter(version__meeting=meeting).order_by(
        "-version__number", "edition"
    )


def meeting_date(meeting: Meeting) -> datetime.date:
    return timezone.localtime(meeting.starts_at).date()


def voting_members(meeting: Meeting) -> QuerySet[Membership]:
    """The seat holders of the meeting's bodies on its date."""
    return (
        Membership.objects.active_on(meeting_date(meeting))
        .voting()
        .filter(body__in=meeting.bodies.all())
        .select_related("person", "seat")
        .order_by("seat__sort_order", "person__family_name")
    )


def seat_count(meeting: Meeting) -> int:
    return Seat.objects.filter(body__in=meeting.bodies.all()).count()


def chair(meeting: Meeting) -> Person | None:
    presiding = voting_members(meeting).filter(role=MembershipRole.CHAIR).first()
    return presiding.person if presiding else None


@dataclass(frozen=True)
class QuorumStatus:
    present: int
    required: int

    @property
    def has_quorum(self) -> bool:
        return self.present >= self.required


def quorum_status(meeting: Meeting) -> QuorumStatus:
    """Members in the room now against the quorum of the meeting's body."""
    present = meeting.attendance.filter(
        status__in=IN_THE_ROOM, person__in=voting_members(meeting).values("person")
    ).count()
    body = meeting.primary_body
    required = (
        council_selectors.quorum_required(body, meeting_date(meeting)) if body else 0
    )
    return QuorumStatus(present=present, required=required)


def tally(motion: Motion) -> Tally:
    """The counts of a motion's votes (OCD VoteCount), casting vote excluded."""
    counts = dict(
        motion.votes.filter(is_casting_vote=False)
        .values_list("option")
        .annotate(n=Count("pk"))
        .values_list("option", "n")
    )
    return Tally(**{option: counts.get(option, 0) for option in VoteOption.values})
