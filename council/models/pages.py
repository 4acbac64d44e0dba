"""Public pages: the home page and the council directory."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page

from council.models.bodies import Body
from council.models.people import Person


class HomePage(Page):
    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    # Each app's index page names HomePage as its parent.
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        from council import selectors

        context = super().get_context(request, *args, **kwargs)
        context["bodies"] = selectors.active_bodies()
        context["council_page"] = CouncilPage.objects.live().first()
        return context


class CouncilPage(RoutablePageMixin, Page):
    """The directory of bodies and people, served from the council models."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["council.HomePage"]
    subpage_types: list[str] = []
    max_count = 1

    class Meta:
        verbose_name = _("council directory")

    @path("")
    def bodies(self, request):
        from council import selectors

        return self.render(
            request,
            context_overrides={"bodies": selectors.active_bodies()},
            template="council/body_index.html",
        )

    @path("bodies/<slug:slug>/")
    def body_detail(self, request, slug: str):
        from council import selectors

        body = get_object_or_404(Body, slug=slug)
        today = timezone.localdate()
        return self.render(
            request,
            context_overrides={
                "body": body,
                "seating": selectors.seating_chart(body, today),
                "quorum": selectors.quorum_required(body, today),
                "former_members": selectors.former_members(body, today),
                "committees": body.children.active(),
            },
            template="council/body_detail.html",
        )

    @path("people/")
    def people(self, request):
        from council import selectors

        return self.render(
            request,
            context_overrides={"current": selectors.people_in_office()},
            template="council/person_index.html",
        )

    @path("people/<slug:slug>/")
    def person_detail(self, request, slug: str):
        from council import selectors

        person = get_object_or_404(Person, slug=slug)
        if not Person.objects.with_public_record().filter(pk=person.pk).exists():
            raise Http404
        roles = selectors.person_roles(person)
        today = timezone.localdate()
        return self.render(
            request,
            context_overrides={
                "person": person,
                "current_roles": [m for m in roles if m.is_active_on(today)],
                "upcoming_roles": [m for m in roles if m.start_date > today],
                "past_roles": [m for m in roles if m.end_date and m.end_date < today],
            },
            template="council/person_detail.html",
        )
