"""Purging members' private annotations under each body's policy, and the
export a member takes before that."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from council.models import Membership
from council.visibility import Role, has_role
from meetings.models import Annotation, BoardPack, Meeting
from meetings.selectors import meeting_date
from meetings.services.annotations.access import author_name
from records.audit import record_event
from records.models import AuditAction, Hold, HoldScope
from records.selectors import holds_by_record, records_filed_under

RETENTION_PERIOD = "retention_period"
MEMBER_LEFT = "member_left"


@dataclass
class PurgeReport:
    purged: int = 0
    held_meetings: list[int] = field(default_factory=list)


def retention_days(meeting: Meeting) -> int | None:
    """Days after the meeting its private annotations are kept: the longest
    of its bodies' periods, or None (no limit) if any body sets none."""
    periods = [body.annotation_retention_days for body in meeting.bodies.all()]
    if not periods or None in periods:
        return None
    return max(periods)


def meeting_under_hold(meeting: Meeting) -> bool:
    """Is the meeting, or anything filed under it, covered by a hold?"""
    if (
        Hold.objects.in_force()
        .filter(
            scope=HoldScope.LINKED_OBJECT,
            target_type=ContentType.objects.get_for_model(Meeting),
            target_id=str(meeting.pk),
        )
        .exists()
    ):
        return True
    record_ids = set(records_filed_under(meeting).values_list("pk", flat=True))
    record_ids |= set(
        BoardPack.objects.filter(
            version__meeting=meeting, record__isnull=False
        ).values_list("record_id", flat=True)
    )
    return bool(holds_by_record(record_ids))


def departed_authors(
    meeting: Meeting, author_ids: set[int], today: datetime.date
) -> set[int]:
    """Authors who sat on one of the meeting's bodies and now sit on none.
    Clerks are left out: they annotate as clerks, not as members."""
    memberships = Membership.objects.filter(
        body__in=meeting.bodies.all(), person__user__in=author_ids
    )
    had = set(memberships.values_list("person__user", flat=True))
    still = set(memberships.active_on(today).values_list("person__user", flat=True))
    users = get_user_model().objects.filter(pk__in=had - still)
    return {user.pk for user in users if not has_role(user, Role.CLERK)}


@transaction.atomic
def purge_annotations(*, today: datetime.date | None = None) -> PurgeReport:
    """Delete private annotations as the meeting's bodies' policy says, and
    record each purge in the audit trail.

    Private annotations go `annotation_retention_days` after the meeting;
    whatever the period, those of members who sit on none of the meeting's
    bodies any more go at once. Shared annotations stay with the body. A
    hold covering the meeting keeps them all.
    """
    today = today or timezone.localdate()
    report = PurgeReport()
    meetings = Meeting.objects.filter(
        pk__in=Annotation.objects.private().values("meeting_id")
    ).prefetch_related("bodies")
    for meeting in meetings:
        private = Annotation.objects.private().filter(meeting=meeting)
        days = retention_days(meeting)
        expired = days is not None and today >= meeting_date(
            meeting
        ) + datetime.timedelta(days=days)
        if expired:
            doomed, policy = private, RETENTION_PERIOD
        else:
            authors = set(private.values_list("author_id", flat=True))
            departed = departed_authors(meeting, authors, today)
            doomed, policy = private.filter(author_id__in=departed), MEMBER_LEFT
            if not departed:
                continue
        if meeting_under_hold(meeting):
            report.held_meetings.append(meeting.pk)
            continue
        report.purged += _purge(meeting, doomed, policy, days)
    return report


def _purge(meeting: Meeting, doomed: QuerySet, policy: str, days: int | None) -> int:
    authors = doomed.values("author_id").distinct().count()
    count, _by_model = doomed.delete()
    record_event(
        action=AuditAction.ANNOTATIONS_PURGED,
        target=meeting,
        details={
            "meeting": meeting.pk,
            "policy": policy,
            "retention_days": days,
            "annotations": count,
            "authors": authors,
        },
    )
    return count


def export_annotations_text(user, meeting: Meeting) -> str:
    """The user's own annotations of a meeting as plain text (pack, page,
    quoted passage, note), for a member to keep before they are purged."""
    lines = [
        _("Annotations by %(name)s") % {"name": author_name(user)},
        str(meeting),
        _("Exported %(when)s") % {"when": f"{timezone.localtime():%Y-%m-%d %H:%M}"},
        "",
    ]
    current_pack = None
    for annotation in own_annotations(user, meeting):
        if annotation.pack_id != current_pack:
            current_pack = annotation.pack_id
            lines += [str(annotation.pack), ""]
        lines += [annotation_heading(annotation)]
        quote = annotation.selection.quote
        if quote is not None:
            lines.append(f"    “{' '.join(quote.exact.split())}”")
        lines += [f"    {line}" for line in annotation.note.splitlines()]
        lines.append("")
    if current_pack is None:
        lines.append(_("You have no annotations in this meeting's packs."))
    return "\n".join(lines).rstrip() + "\n"


def own_annotations(user, meeting: Meeting) -> QuerySet[Annotation]:
    """The user's annotations of a meeting in every pack they may open,
    newest version first, in page order."""
    return (
        Annotation.objects.readable_by(user)
        .filter(author=user, meeting=meeting)
        .select_related("pack__version__meeting", "record")
        .order_by("-pack__version__number", "pack__edition", "pack_page", "pk")
    )


def annotation_heading(annotation: Annotation) -> str:
    """ "Page 7 (Report on parks, page 2) · Highlight · shared"."""
    parts = [_("Page %(page)d") % {"page": annotation.pack_page}]
    if annotation.record_id:
        parts[0] += " " + _("(%(file)s, page %(page)d)") % {
            "file": annotation.record.title,
            "page": annotation.attachment_page,
        }
    parts.append(annotation.get_motivation_display())
    if annotation.shared:
        parts.append(_("shared"))
    if annotation.orphaned:
        parts.append(
            _("not placed in the newer version: %(why)s")
            % {"why": annotation.orphan_reason}
        )
    return " · ".join(parts)
