"""Forms of the records manager's screens."""

from __future__ import annotations

import re

from django import forms
from django.apps import apps
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from records.models import HoldScope, Record, RecordClass

# Models whose rows a hold can name as "everything filed under": apps add
# theirs (meetings adds "meetings.Meeting") in their AppConfig.ready().
HOLD_TARGET_MODELS: list[str] = []

IDENTIFIER = re.compile(r"(?:QR-)?0*(\d+)", re.IGNORECASE)


class RecordMetadataForm(forms.ModelForm):
    class Meta:
        model = Record
        fields = ["title", "visibility", "record_class"]


class PlaceHoldForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3})
    )
    owner = forms.ModelChoiceField(
        label=_("Owner"),
        queryset=get_user_model().objects.filter(is_active=True).order_by("username"),
    )
    scope = forms.ChoiceField(
        label=_("The hold covers"), choices=HoldScope.choices, widget=forms.RadioSelect
    )
    identifiers = forms.CharField(
        label=_("Records"),
        required=False,
        help_text=_("Record identifiers, e.g. QR-0000012, QR-0000015."),
    )
    record_class = forms.ModelChoiceField(
        label=_("Record class"),
        queryset=RecordClass.objects.in_plan_order(),
        required=False,
    )
    filed_under = forms.TypedChoiceField(
        label=_("Meeting"), required=False, choices=(), empty_value=None
    )
    search_query = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=255,
        help_text=_("Every record whose title or text has all these words."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._targets = {}
        choices = [("", "---------")]
        for label in HOLD_TARGET_MODELS:
            model = apps.get_model(label)
            for obj in model.objects.order_by("-pk")[:500]:
                key = f"{label}:{obj.pk}"
                self._targets[key] = obj
                choices.append((key, str(obj)))
        self.fields["filed_under"].choices = choices

    def clean(self) -> dict:
        data = super().clean()
        scope = data.get("scope")
        data["records"] = []
        if scope == HoldScope.RECORDS:
            numbers = [
                int(match.group(1))
                for part in re.split(r"[\s,;]+", data.get("identifiers", ""))
                if part and (match := IDENTIFIER.fullmatch(part))
            ]
            data["records"] = list(Record.objects.filter(pk__in=numbers))
            found = {record.pk for record in data["records"]}
            missing = [f"QR-{n:07d}" for n in numbers if n not in found]
            if missing or not numbers:
                self.add_error(
                    "identifiers",
                    _("No record %(ids)s.") % {"ids": ", ".join(missing)}
                    if missing
                    else _("Give at least one record identifier."),
                )
        elif scope == HoldScope.RECORD_CLASS and not data.get("record_class"):
            self.add_error("record_class", _("Choose the class."))
        elif scope == HoldScope.LINKED_OBJECT and not data.get("filed_under"):
            self.add_error("filed_under", _("Choose the meeting."))
        elif scope == HoldScope.SEARCH and not data.get("search_query", "").strip():
            self.add_error("search_query", _("Give the search."))
        return data

    def scope_arguments(self) -> dict:
        """The keyword for place_hold that matches the chosen scope."""
        data = self.cleaned_data
        return {
            HoldScope.RECORDS: {"records": data["records"]},
            HoldScope.RECORD_CLASS: {"record_class": data["record_class"]},
            HoldScope.LINKED_OBJECT: {
                "filed_under": self._targets.get(data["filed_under"])
            },
            HoldScope.SEARCH: {"search_query": data["search_query"]},
        }[data["scope"]]


class LiftHoldForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the hold lifted?"), widget=forms.Textarea(attrs={"rows": 2})
    )


class DisposalReviewForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    keep_until = forms.DateField(
        label=_("Keep until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["keep_until"].widget.attrs["min"] = timezone.localdate().isoformat()
