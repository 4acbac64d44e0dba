"""The staff report workflow, every transition recorded."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from council.visibility import Role
from meetings.models import SubmissionStatus
from meetings.services import submissions
from tests.factories import UserFactory
from tests.meetings_support import council_meeting, pdf_bytes, section

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return {
        "author": UserFactory(roles=[Role.STAFF]),
        "clerk": UserFactory(roles=[Role.CLERK]),
    }


@pytest.fixture
def meeting():
    return council_meeting()


def draft(meeting, author, **fields):
    submission = submissions.create_submission(
        body=meeting.primary_body,
        title="Parks master plan",
        department="Parks",
        submitted_by=author,
        **fields,
    )
    submissions.add_submission_file(
        submission=submission,
        upload_name="plan.pdf",
        data=io.BytesIO(pdf_bytes("Parks master plan", "Appendix")),
        user=author,
    )
    return submission


def test_submit_approve_place_with_history(meeting, people):
    """GIVEN a staff draft WHEN it is submitted, approved and placed
    THEN it becomes an agenda item with its files, and each step is recorded."""
    submission = draft(meeting, people["author"])

    submissions.submit_item(submission=submission, user=people["author"])
    submissions.approve_submission(
        submission=submission, user=people["clerk"], comment="Fine"
    )
    item = submissions.place_submission(
        submission=submission,
        section=section(meeting, "New business"),
        user=people["clerk"],
    )

    assert item.title == "Parks master plan" and item.submission == submission
    assert [a.title for a in item.attachments.all()] == ["plan.pdf"]
    events = list(
        submission.events.values_list("from_status", "to_status", "actor__username")
    )
    assert events == [
        ("draft", "submitted", people["author"].username),
        ("submitted", "approved", people["clerk"].username),
        ("approved", "placed", people["clerk"].username),
    ]


def test_returning_needs_a_comment_and_allows_resubmission(meeting, people):
    submission = draft(meeting, people["author"])
    submissions.submit_item(submission=submission, user=people["author"])

    with pytest.raises(ValidationError, match="Say what needs to change"):
        submissions.return_submission(
            submission=submission, user=people["clerk"], comment=""
        )
    submissions.return_submission(
        submission=submission, user=people["clerk"], comment="Add the cost table."
    )
    assert submission.status == SubmissionStatus.RETURNED
    assert submission.events.last().comment == "Add the cost table."
    submissions.submit_item(submission=submission, user=people["author"])
    assert submission.status == SubmissionStatus.SUBMITTED


def test_staff_cannot_approve(meeting, people):
    submission = draft(meeting, people["author"])
    submissions.submit_item(submission=submission, user=people["author"])

    with pytest.raises(PermissionDenied):
        submissions.approve_submission(submission=submission, user=people["author"])


def test_department_heads_review_with_the_permission(meeting, people):
    from django.contrib.auth.models import Permission

    head = UserFactory(roles=[Role.STAFF])
    head.user_permissions.add(Permission.objects.get(codename="review_itemsubmission"))
    submission = draft(meeting, people["author"])
    submissions.submit_item(submission=submission, user=people["author"])

    submissions.approve_submission(submission=submission, user=head)

    assert submission.status == SubmissionStatus.APPROVED


def test_unapproved_submissions_cannot_be_placed(meeting, people):
    submission = draft(meeting, people["author"])

    with pytest.raises(ValidationError, match="cannot be marked"):
        submissions.place_submission(
            submission=submission,
            section=section(meeting, "New business"),
            user=people["clerk"],
        )


def test_placing_on_another_bodys_meeting_is_refused(meeting, people):
    other = council_meeting()
    submission = draft(meeting, people["author"])
    submissions.submit_item(submission=submission, user=people["author"])
    submissions.approve_submission(submission=submission, user=people["clerk"])

    with pytest.raises(ValidationError, match="does not hold this meeting"):
        submissions.place_submission(
            submission=submission,
            section=section(other, "New business"),
            user=people["clerk"],
        )


def test_files_only_while_editable(meeting, people):
    submission = draft(meeting, people["author"])
    submissions.submit_item(submission=submission, user=people["author"])

    with pytest.raises(ValidationError, match="Only draft or returned"):
        submissions.add_submission_file(
            submission=submission, upload_name="x.pdf", data=io.BytesIO(pdf_bytes("x"))
        )
