"""Who may open, annotate and read annotations, and what each one sees."""

from __future__ import annotations

from django.db.models import QuerySet

from council.visibility import Role, can_view, has_role, member_body_ids
from meetings.models import Annotation, BoardPack, Meeting, PackStatus


def may_open(user, pack: BoardPack) -> bool:
    """May the user open the compiled pack (the same rule as its download)?"""
    return bool(
        user is not None
        and user.is_authenticated
        and pack.status == PackStatus.READY
        and pack.record is not None
        and can_view(user, pack.record)
    )


def sits_on_meeting_body(user, meeting: Meeting) -> bool:
    return meeting.bodies.filter(pk__in=member_body_ids(user)).exists()


def may_annotate(user, pack: BoardPack) -> bool:
    """Members of the meeting's bodies and clerks, in a pack they may open."""
    if not may_open(user, pack):
        return False
    return has_role(user, Role.CLERK) or sits_on_meeting_body(
        user, pack.version.meeting
    )


def author_name(user) -> str:
    """How an author is shown: the person's name, else the account's."""
    person = getattr(user, "person", None)
    if person is not None:
        return person.name
    return user.get_full_name() or user.get_username()


def newer_pack(pack: BoardPack) -> BoardPack | None:
    """The latest ready pack of the same edition in a later version."""
    return (
        BoardPack.objects.filter(
            version__meeting_id=pack.version.meeting_id,
            edition=pack.edition,
            status=PackStatus.READY,
            version__number__gt=pack.version.number,
        )
        .order_by("-version__number")
        .first()
    )


def annotations_in_pack(user, pack: BoardPack) -> QuerySet[Annotation]:
    """The annotations shown in `pack` to `user`: their own and shared ones."""
    return (
        Annotation.objects.readable_by(user)
        .filter(pack=pack)
        .select_related("author__person", "record", "pack__record", "pack__version")
    )


def orphans_of_earlier_versions(user, pack: BoardPack) -> QuerySet[Annotation]:
    """The user's own annotations of earlier versions of this pack that could
    not be carried into it: listed so that nothing is lost unseen."""
    return (
        Annotation.objects.readable_by(user)
        .filter(
            author=user,
            orphaned=True,
            meeting_id=pack.version.meeting_id,
            pack__edition=pack.edition,
            pack__version__number__lt=pack.version.number,
        )
        .select_related("author__person", "record", "pack__record", "pack__version")
    )
