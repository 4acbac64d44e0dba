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
    Attendance,
    BoardPack,
    Meeting,
    Minutes,
    MinutesStatus,
    Motion,
    MotionStatus,
    PackEdition,
    PackStatus,
    PersonVote,
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


def meeting_motions(meeting: Meeting, user) -> QuerySet[Motion]:
    """The motions of a meeting `user` may see, with their votes."""
    return (
        Motion.objects.filter(meeting=meeting)
        .visible_to(user)
        .exclude(status=MotionStatus.WITHDRAWN)
        .select_related("mover", "seconder", "item")
        .prefetch_related("votes__person", "consent_items")
        .order_by("created_at")
    )


def public_minutes(meeting: Meeting) -> Minutes | None:
    """Approved minutes, or a draft where the body publishes drafts."""
    approved = meeting.minutes.filter(status=MinutesStatus.APPROVED).first()
    if approved is not None:
        return approved
    if any(body.publishes_draft_minutes for body in meeting.bodies.all()):
        return (
            meeting.minutes.filter(status=MinutesStatus.DRAFT)
            .order_by("-version")
            .first()
        )
    return None


def decided_votes(user, *, person=None, body=None, year=None, outcome=None):
    """Members' votes on decided motions that `user` may see, newest first."""
    votes = PersonVote.objects.filter(
        is_casting_vote=False,
        motion__status=MotionStatus.CLOSED,
        motion__in=Motion.objects.visible_to(user),
    )
    if person is not None:
        votes = votes.filter(person=person)
    if body is not None:
        votes = votes.filter(motion__meeting__in=Meeting.objects.of_body(body))
    if year:
        votes = votes.filter(motion__meeting__starts_at__year=year)
    if outcome:
        votes = votes.filter(motion__result=outcome)
    return votes.select_related("person", "motion__meeting", "motion__item").order_by(
        "-motion__meeting__starts_at", "-motion__created_at"
    )


@dataclass(frozen=True)
class VotingSummary:
    meetings_expected: int
    meetings_attended: int
    votes_cast: int
    with_majority: int
    recusals: int

    @property
    def attendance_rate(self) -> int | None:
        if not self.meetings_expected:
            return None
        return round(100 * self.meetings_attended / self.meetings_expected)

    @property
    def majority_rate(self) -> int | None:
        if not self.votes_cast:
            return None
        return round(100 * self.with_majority / self.votes_cast)


def voting_summary(person: Person, user) -> VotingSummary:
    """Attendance and how often the member voted with the outcome."""
    attendance = Attendance.objects.filter(person=person)
    votes = list(
        decided_votes(user, person=person).values_list("option", "motion__result")
    )
    cast = [(o, r) for o, r in votes if o in ("yes", "no")]
    return VotingSummary(
        meetings_expected=attendance.count(),
        meetings_attended=attendance.filter(status__in=IN_THE_ROOM).count(),
        votes_cast=len(cast),
        with_majority=sum(1 for o, r in cast if (o == "yes") == (r == "passed")),
        recusals=sum(1 for o, _r in votes if o == "recused"),
    )
