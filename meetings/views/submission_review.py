"""One screen per submission: its files, its history, and the next step."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from meetings import forms
from meetings.models import ItemSubmission
from meetings.services import submissions
from records.ingest import RejectedUpload


def review_url(submission: ItemSubmission) -> str:
    return reverse("meetings_submission_review", args=[submission.pk])


def _submission(request, submission_id: int) -> ItemSubmission:
    submission = get_object_or_404(
        ItemSubmission.objects.visible_to(request.user), pk=submission_id
    )
    if not request.user.has_perm("meetings.view_itemsubmission"):
        raise PermissionDenied
    return submission


class SubmissionReviewView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "meetings/admin/submission_review.html"
    header_icon = "doc-full"

    def dispatch(self, request, *args, **kwargs):
        self.submission = _submission(request, kwargs["submission_id"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self) -> str:
        return self.submission.title

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("wagtailadmin_home"), "label": _("Home")},
            {
                "url": reverse("meetings_itemsubmission:index"),
                "label": _("Submissions"),
            },
            {"url": "", "label": self.submission.title},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        submission = self.submission
        allowed = submissions.TRANSITIONS[submission.status]
        context.update(
            submission=submission,
            events=submission.events.select_related("actor"),
            attachments=submission.attachments.select_related("record"),
            can_review=submissions.can_review(self.request.user),
            allowed=allowed,
            attachment_form=forms.AttachmentForm(),
            review_form=forms.ReviewForm(),
        )
        return context


ACTIONS = {
    "submit": (
        lambda s, user, comment: submissions.submit_item(submission=s, user=user),
        _("Submitted for review."),
    ),
    "approve": (
        lambda s, user, comment: submissions.approve_submission(
            submission=s, user=user, comment=comment
        ),
        _("Approved: the clerk can now place it on an agenda."),
    ),
    "return": (
        lambda s, user, comment: submissions.return_submission(
            submission=s, user=user, comment=comment
        ),
        _("Returned to the author."),
    ),
    "withdraw": (
        lambda s, user, comment: submissions.withdraw_submission(
            submission=s, user=user, comment=comment
        ),
        _("Withdrawn."),
    ),
}


@require_POST
def transition(request, submission_id: int, action: str):
    submission = _submission(request, submission_id)
    if action not in ACTIONS:
        raise PermissionDenied
    run, success = ACTIONS[action]
    form = forms.ReviewForm(request.POST)
    form.is_valid()
    try:
        run(submission, request.user, form.cleaned_data.get("comment", ""))
    except (ValidationError, PermissionDenied) as error:
        messages.error(
            request,
            " ".join(getattr(error, "messages", [str(error)])) or _("Not allowed."),
        )
    else:
        messages.success(request, success)
    return redirect(review_url(submission))


@require_POST
def upload(request, submission_id: int):
    submission = _submission(request, submission_id)
    form = forms.AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            submissions.add_submission_file(
                submission=submission,
                upload_name=upload.name,
                data=upload,
                title=form.cleaned_data["title"],
                user=request.user,
            )
        except (ValidationError, RejectedUpload) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(request, _("“%(file)s” attached.") % {"file": upload.name})
    else:
        messages.error(request, forms.first_error(form))
    return redirect(review_url(submission))
