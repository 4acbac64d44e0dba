"""Forms of the agenda builder and the submission review."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from council.visibility import Visibility
from meetings.models.schedules import SectionKind


def first_error(form: forms.Form) -> str:
    """The first problem with a submitted form, to show as a message."""
    for errors in form.errors.values():
        return str(errors[0])
    return str(_("Check the form and try again."))


class SectionForm(forms.Form):
    title = forms.CharField(label=_("Section title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=SectionKind.choices)


class ItemForm(forms.Form):
    title = forms.CharField(label=_("Item title"), max_length=300)
    department = forms.CharField(label=_("Department"), max_length=120, required=False)


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File (PDF, DOCX or plain text)"))
    title = forms.CharField(label=_("Title"), max_length=300, required=False)


class VisibilityForm(forms.Form):
    visibility = forms.ChoiceField(label=_("Visibility"), choices=Visibility.choices)


class PlaceSubmissionForm(forms.Form):
    section = forms.IntegerField(widget=forms.HiddenInput)


class PublishForm(forms.Form):
    late_notice_reason = forms.CharField(
        label=_("Reason for publishing within the notice period"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    change_note = forms.CharField(
        label=_("What changed (for an addendum)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )


class ReviewForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment to the author"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
