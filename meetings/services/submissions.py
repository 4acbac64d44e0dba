"""The staff report workflow: draft → submitted → approved (or returned) →
placed on an agenda. Every transition is recorded with who, when and why."""

from __future__ import annotations

from typing import BinaryIO

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from council.visibility import Role, Visibility, has_role
from meetings.models import (
    AgendaItem,
    AgendaSection,
    ItemSubmission,
    SubmissionAttachment,
    SubmissionEvent,
    SubmissionStatus,
)
from meetings.services.agenda import add_item, attach_record
from meetings.services.ordering import next_position
from records.services import store_record

S = SubmissionStatus

# Which moves are allowed from each status.
TRANSITIONS: dict[str, set[str]] = {
    S.DRAFT: {S.SUBMITTED, S.WITHDRAWN},
    S.SUBMITTED: {S.APPROVED, S.RETURNED, S.WITHDRAWN},
    S.RETURNED: {S.SUBMITTED, S.WITHDRAWN},
    S.APPROVED: {S.PLACED, S.RETURNED, S.WITHDRAWN},
    S.PLACED: {S.APPROVED},
    S.WITHDRAWN: set(),
}


def can_review(user) -> bool:
    """Clerks and department heads (given the review permission) review."""
    return has_role(user, Role.CLERK) or user.has_perm("meetings.review_itemsubmission")


def _transition(
    submission: ItemSubmission, to_status: str, *, user, comment: str = ""
) -> ItemSubmission:
    from_status = submission.status
    if to_status not in TRANSITIONS[from_status]:
        raise ValidationError(
            _("A submission that is “%(from)s” cannot be marked “%(to)s”.")
            % {"from": S(from_status).label, "to": S(to_status).label}
        )
    submission.status = to_status
    submission.save(update_fields=["status"])
    SubmissionEvent.objects.create(
        submission=submission,
        from_status=from_status,
        to_status=to_status,
        actor=user,
        comment=comment,
    )
    return submission


@transaction.atomic
def create_submission(
    *,
    body,
    title: str,
    department: str,
    submitted_by,
    description: str = "",
    recommendation: str = "",
    sponsor=None,
    requested_meeting=None,
    visibility: str = Visibility.PUBLIC,
) -> ItemSubmission:
    """Start a draft report for a body's agenda."""
    submission = ItemSubmission(
        body=body,
        title=title,
        department=department,
        submitted_by=submitted_by,
        description=description,
        recommendation=recommendation,
        sponsor=sponsor,
        requested_meeting=requested_meeting,
        visibility=visibility,
    )
    submission.full_clean()
    submission.save()
    return submission


@transaction.atomic
def add_submission_file(
    *,
    submission: ItemSubmission,
    upload_name: str,
    data: BinaryIO,
    title: str = "",
    user=None,
) -> SubmissionAttachment:
    """Validate and store a file for a draft or returned submission."""
    if not submission.is_editable:
        raise ValidationError(
            _("Only draft or returned submissions can take new files.")
        )
    record = store_record(
        upload_name=upload_name,
        data=data,
        title=title or upload_name,
        visibility=submission.visibility,
        body=submission.body,
        created_by=user,
    )
    position = next_position(submission.attachments)
    return SubmissionAttachment.objects.create(
        submission=submission,
        record=record,
        title=title or record.title,
        sort_order=position,
    )


@transaction.atomic
def submit_item(*, submission: ItemSubmission, user) -> ItemSubmission:
    """Send a draft (or a returned submission, revised) for review."""
    if not submission.title.strip():
        raise ValidationError(_("Give the report a title before submitting it."))
    return _transition(submission, S.SUBMITTED, user=user)


@transaction.atomic
def approve_submission(
    *, submission: ItemSubmission, user, comment: str = ""
) -> ItemSubmission:
    """A reviewer accepts the report for the agenda."""
    if not can_review(user):
        raise PermissionDenied(
            _("Only a clerk or a department head can approve items.")
        )
    return _transition(submission, S.APPROVED, user=user, comment=comment)


@transaction.atomic
def return_submission(
    *, submission: ItemSubmission, user, comment: str
) -> ItemSubmission:
    """A reviewer sends the report back; the comment tells the author why."""
    if not can_review(user):
        raise PermissionDenied(_("Only a clerk or a department head can return items."))
    if not comment.strip():
        raise ValidationError(
            _("Say what needs to change when returning a submission.")
        )
    return _transition(submission, S.RETURNED, user=user, comment=comment)


@transaction.atomic
def withdraw_submission(
    *, submission: ItemSubmission, user, comment: str = ""
) -> ItemSubmission:
    return _transition(submission, S.WITHDRAWN, user=user, comment=comment)


@transaction.atomic
def place_submission(
    *, submission: ItemSubmission, section: AgendaSection, user
) -> AgendaItem:
    """The clerk puts an approved submission on a meeting's agenda."""
    if not has_role(user, Role.CLERK):
        raise PermissionDenied(_("Only a clerk can place items on an agenda."))
    if not section.meeting.bodies.filter(pk=submission.body_id).exists():
        raise ValidationError(
            _(
                "This report was submitted for %(body)s, "
                "which does not hold this meeting."
            )
            % {"body": submission.body}
        )
    _transition(submission, S.PLACED, user=user)
    item = add_item(
        section=section,
        title=submission.title,
        description=submission.description,
        recommendation=submission.recommendation,
        department=submission.department,
        sponsor=submission.sponsor,
        visibility=submission.visibility,
        submission=submission,
    )
    for attachment in submission.attachments.select_related("record"):
        attach_record(item=item, record=attachment.record, title=attachment.title)
    return item


def unplace_submission(*, submission: ItemSubmission, user=None) -> ItemSubmission:
    """Back to the approved list when its agenda item is removed."""
    return _transition(
        submission, S.APPROVED, user=user, comment=_("Removed from the agenda.")
    )
