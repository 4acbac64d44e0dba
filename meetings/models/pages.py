"""The public meetings pages: a list and one page per meeting."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page


class MeetingIndexPage(RoutablePageMixin, Page):
    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["council.HomePage"]
    subpage_types: list[str] = []
    max_count = 1

    class Meta:
        verbose_name = _("meetings index")

    @path("")
    def meeting_list(self, request):
        from council.models import Body
        from meetings import selectors

        body = Body.objects.filter(slug=request.GET.get("body", "")).first()
        try:
            year = int(request.GET.get("year", ""))
        except ValueError:
            year = None
        meetings = selectors.meetings_of(body=body, year=year)
        return self.render(
            request,
            context_overrides={
                "upcoming": meetings.upcoming()[:50],
                "past": meetings.past()[:200],
                "bodies": Body.objects.active(),
                "years": selectors.meeting_years(),
                "selected_body": body,
                "selected_year": year,
            },
            template="meetings/meeting_index.html",
        )

    @path("<int:meeting_id>/")
    def meeting_detail(self, request, meeting_id: int):
        from meetings import selectors
        from meetings.models import Meeting

        meeting = get_object_or_404(
            Meeting.objects.prefetch_related("bodies"), pk=meeting_id
        )
        versions = list(meeting.versions.order_by("-number"))
        version = versions[0] if versions else None
        if "version" in request.GET:
            version = next(
                (v for v in versions if str(v.number) == request.GET["version"]), None
            )
            if version is None:
                raise Http404
        agenda = selectors.published_agenda(version, request.user) if version else []
        motions = list(selectors.meeting_motions(meeting, request.user))
        for entry in agenda:
            for item in entry.items:
                item.motions_shown = [
                    m
                    for m in motions
                    if m.item_id == item.source_id
                    or item.source_id in {i.pk for i in m.consent_items.all()}
                ]
        minutes = selectors.public_minutes(meeting)
        return self.render(
            request,
            context_overrides={
                "meeting": meeting,
                "minutes": minutes,
                "minutes_entries": (
                    minutes.entries.filter(item__visibility="public")
                    .exclude(discussion="")
                    .select_related("item")
                    if minutes
                    else []
                ),
                "version": version,
                "latest_version": versions[0] if versions else None,
                "versions": versions,
                "agenda": agenda,
                "packs": selectors.packs_for(request.user, meeting),
            },
            template="meetings/meeting_detail.html",
        )
