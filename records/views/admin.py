"""The records manager's screens in the Wagtail admin.

Views only translate requests into calls of the records services and show
their refusals as messages; every rule lives in the services.
"""

from __future__ import annotations

import django_filters
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import FormView, TemplateView
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.views import generic
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from council.visibility import Visibility
from records import selectors
from records.audit import record_event
from records.forms import DisposalReviewForm, LiftHoldForm, PlaceHoldForm
from records.models import (
    AuditAction,
    AuditEvent,
    BatchStatus,
    DisposalBatch,
    DisposalItem,
    DisposalState,
    Hold,
    Record,
    RecordClass,
    RecordStatus,
)
from records.services import disposition, holds, retention

DISPOSE_PERMISSION = "records.change_disposalitem"


def _message(error: ValidationError) -> str:
    return " ".join(getattr(error, "messages", [str(error)]))


def _require(request, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied


# The records list


class RecordFilterSet(WagtailFilterSet):
    record_class = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Record class"),
        queryset=RecordClass.objects.in_plan_order(),
        method="filter_class",
    )
    due = django_filters.ChoiceFilter(
        label=gettext_lazy("Disposal"),
        choices=[
            ("overdue", gettext_lazy("Due now")),
            ("year", gettext_lazy("Due within a year")),
            ("none", gettext_lazy("No due date (permanent or awaiting event)")),
        ],
        method="filter_due",
    )
    held = django_filters.BooleanFilter(
        label=gettext_lazy("Under a hold"), method="filter_held"
    )
    declared = django_filters.BooleanFilter(
        label=gettext_lazy("Declared"),
        field_name="declared_at",
        lookup_expr="isnull",
        exclude=True,
    )

    class Meta:
        model = Record
        fields = ["status", "visibility"]

    def filter_class(self, queryset, name, value):
        if not value:
            return queryset
        below = f"{value.path_name} › "
        return queryset.filter(
            Q(record_class=value) | Q(record_class__path_name__startswith=below)
        )

    def filter_due(self, queryset, name, value):
        today = timezone.localdate()
        if value == "overdue":
            return queryset.due_for_disposal(today)
        if value == "year":
            return queryset.active().filter(
                disposal_due_on__lte=today.replace(year=today.year + 1)
            )
        if value == "none":
            return queryset.filter(disposal_due_on__isnull=True)
        return queryset

    def filter_held(self, queryset, name, value):
        if value is None:
            return queryset
        held = selectors.held_records().values("pk")
        return queryset.filter(pk__in=held) if value else queryset.exclude(pk__in=held)


class RecordInspectView(generic.InspectView):
    template_name = "records/admin/record_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        record = self.object
        if record.visibility != Visibility.PUBLIC:
            record_event(
                action=AuditAction.VIEW, actor=self.request.user, target=record
            )
        context.update(
            record=record,
            versions=retention.version_history(record),
            holds=selectors.holds_covering(record),
            links=record.links.select_related("content_type"),
            triggers=record.triggers.all(),
            disposals=record.disposal_items.select_related(
                "reviewed_by", "confirmed_by", "batch"
            ),
            events=AuditEvent.objects.for_target(record).order_by("-sequence")[:100],
            schedule=record.record_class.schedule if record.record_class else None,
        )
        return context


class RecordEditView(generic.EditView):
    """Changes go through update_record_metadata: declared and held records
    refuse them with the service's explanation."""

    def save_instance(self):
        stored = Record.objects.get(pk=self.object.pk)
        return retention.update_record_metadata(
            record=stored, by=self.request.user, **self.form.cleaned_data
        )

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as error:
            form.add_error(None, _message(error))
            self.produced_error_code = "validation_error"
            self.produced_error_message = _message(error)
            return self.form_invalid(form)


class RecordClassEditView(generic.EditView):
    def save_instance(self):
        record_class = super().save_instance()
        retention.recompute_due_dates_in_class(record_class)
        return record_class


# Holds


class RecordsAdminPage(WagtailAdminTemplateMixin):
    """A records screen outside the viewsets, titled in its breadcrumbs."""

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("wagtailadmin_home"), "label": _("Home")},
            {"url": "", "label": self.get_page_title()},
        ]


class PlaceHoldView(RecordsAdminPage, FormView):
    template_name = "records/admin/place_hold.html"
    form_class = PlaceHoldForm
    page_title = gettext_lazy("Place a hold")
    header_icon = "lock"

    def dispatch(self, request, *args, **kwargs):
        _require(request, "records.add_hold")
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"owner": self.request.user, "scope": "records"}

    def form_valid(self, form):
        try:
            hold = holds.place_hold(
                reason=form.cleaned_data["reason"],
                owner=form.cleaned_data["owner"],
                placed_by=self.request.user,
                **form.scope_arguments(),
            )
        except ValidationError as error:
            form.add_error(None, _message(error))
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Hold #%(number)s placed over %(scope)s.")
            % {"number": hold.pk, "scope": hold.scope_label},
        )
        return redirect("records_holds:inspect", hold.pk)


class HoldInspectView(generic.InspectView):
    template_name = "records/admin/hold_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            hold=self.object,
            covered=selectors.records_covered_by(self.object)
            .select_related("record_class")
            .order_by("pk")[:500],
            lift_form=LiftHoldForm(),
            can_lift=self.request.user.has_perm("records.change_hold"),
        )
        return context


@require_POST
def lift_hold(request, pk: int):
    _require(request, "records.change_hold")
    hold = get_object_or_404(Hold, pk=pk)
    form = LiftHoldForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the hold is lifted."))
    else:
        try:
            holds.lift_hold(
                hold=hold, lifted_by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            messages.error(request, _message(error))
        else:
            messages.success(request, _("Hold #%(number)s lifted.") % {"number": pk})
    return redirect("records_holds:inspect", pk)


# The disposal queue


class DisposalQueueView(RecordsAdminPage, TemplateView):
    template_name = "records/admin/disposal_queue.html"
    page_title = gettext_lazy("Disposal queue")
    header_icon = "bin"

    def dispatch(self, request, *args, **kwargs):
        _require(request, "records.view_disposalitem")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        items = DisposalItem.objects.open().select_related(
            "record__record_class", "reviewed_by", "confirmed_by"
        )
        context.update(
            awaiting_review=items.filter(state=DisposalState.AWAITING_REVIEW),
            awaiting_second=items.filter(state=DisposalState.AWAITING_SECOND_APPROVAL),
            confirmed=items.filter(state=DisposalState.CONFIRMED, batch__isnull=True),
            batches=DisposalBatch.objects.select_related("certificate", "started_by")[
                :10
            ],
            running=DisposalBatch.objects.filter(
                status__in=[BatchStatus.QUEUED, BatchStatus.RUNNING]
            ).exists(),
            review_form=DisposalReviewForm(),
            can_dispose=self.request.user.has_perm(DISPOSE_PERMISSION),
        )
        return context


def _queue_action(request, run, success: str):
    _require(request, DISPOSE_PERMISSION)
    try:
        result = run()
    except ValidationError as error:
        messages.error(request, _message(error))
    else:
        messages.success(request, success % {"count": result})
    return redirect("records_disposal_queue")


@require_POST
def list_due(request):
    return _queue_action(
        request,
        lambda: len(disposition.list_due_records()),
        _("%(count)d records added to the queue."),
    )


@require_POST
def review(request, pk: int, decision: str):
    item = get_object_or_404(DisposalItem, pk=pk)
    form = DisposalReviewForm(request.POST)
    form.is_valid()
    return _queue_action(
        request,
        lambda: (
            disposition.review_disposal(
                item=item,
                by=request.user,
                decision=decision,
                note=form.cleaned_data.get("note", ""),
                keep_until=form.cleaned_data.get("keep_until"),
            ).record
        ),
        _("Kept: %(count)s.") if decision == "keep" else _("Approved: %(count)s."),
    )


@require_POST
def confirm(request, pk: int):
    item = get_object_or_404(DisposalItem, pk=pk)
    return _queue_action(
        request,
        lambda: disposition.confirm_disposal(item=item, by=request.user).record,
        _("Confirmed: %(count)s."),
    )


@require_POST
def execute(request):
    return _queue_action(
        request,
        lambda: disposition.start_disposal(by=request.user).steps_total,
        _("Executing %(count)d approved disposals in the background."),
    )


class DisposalBatchInspectView(generic.InspectView):
    template_name = "records/admin/batch_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            batch=self.object,
            items=self.object.items.select_related(
                "record", "reviewed_by", "confirmed_by"
            ),
            destroyed=RecordStatus.DESTROYED,
        )
        return context
