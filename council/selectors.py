"""Reads of the council domain: who sits where, when."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Case, F, IntegerField, Prefetch, QuerySet, When
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from council.models import Body, CouncilPage, Membership, Person, Seat
from council.models.bodies import BodyClassification
from council.models.people import PRESIDING_ROLES


def current_members(
    body: Body, on: datetime.date | None = None
) -> QuerySet[Membership]:
    """Memberships of `body` in force on `on` (default today), in seat order."""
    on = on or timezone.localdate()
    return (
        Membership.objects.active_on(on)
        .filter(body=body)
        .select_related("person", "seat")
        .order_by(F("seat__sort_order").asc(nulls_last=True), "person__family_name")
    )


def person_roles(person: Person) -> QuerySet[Membership]:
    """Every membership a person has held, newest first, with body and seat."""
    return person.memberships.select_related(
        "body", "seat", "legislative_term"
    ).order_by("-start_date", "body__name")


def person_bodies(person: Person, on: datetime.date | None = None) -> QuerySet[Body]:
    """The bodies a person sits on, on `on` (default today)."""
    on = on or timezone.localdate()
    memberships = Membership.objects.active_on(on).filter(person=person)
    return Body.objects.filter(pk__in=memberships.values("body_id"))


def former_members(body: Body, on: datetime.date | None = None) -> QuerySet[Membership]:
    """Memberships of `body` that ended before `on`, most recent first."""
    on = on or timezone.localdate()
    return (
        Membership.objects.filter(body=body, end_date__lt=on)
        .select_related("person", "seat", "legislative_term")
        .order_by("-end_date", "person__family_name")
    )


def quorum_required(body: Body, on: datetime.date | None = None) -> int:
    """Members who must be present for `body` to meet on `on`."""
    on = on or timezone.localdate()
    seats = body.seats.count()
    in_office = Membership.objects.active_on(on).filter(body=body).voting().count()
    return body.quorum_for(seats=seats, members_in_office=in_office)


def _span(membership: Membership) -> str:
    start = date_format(membership.start_date, "DATE_FORMAT")
    if membership.end_date is None:
        return _("since %(start)s") % {"start": start}
    end = date_format(membership.end_date, "DATE_FORMAT")
    return _("from %(start)s to %(end)s") % {"start": start, "end": end}


def membership_conflicts(membership: Membership) -> dict[str, str]:
    """Why `membership` cannot coexist with the others; empty when it can.

    Three rules: one holder per seat at a time; one membership per person
    and body at a time; one chair and one vice-chair per body at a time.
    """
    overlapping = (
        Membership.objects.overlapping(membership.start_date, membership.end_date)
        .exclude(pk=membership.pk)
        .select_related("person", "seat", "body")
    )
    if membership.seat_id:
        holder = overlapping.filter(seat_id=membership.seat_id).first()
        if holder:
            return {
                "seat": _(
                    "Seat “%(seat)s” of %(body)s is held by %(person)s %(span)s. "
                    "Terms in one seat cannot overlap: end that term first."
                )
                % {
                    "seat": holder.seat.label,
                    "body": holder.body,
                    "person": holder.person,
                    "span": _span(holder),
                }
            }
    same_person = overlapping.filter(
        person_id=membership.person_id, body_id=membership.body_id
    ).first()
    if same_person:
        return {
            "start_date": _(
                "%(person)s is already a member of %(body)s %(span)s "
                "(%(role)s). End that membership before starting another."
            )
            % {
                "person": same_person.person,
                "body": same_person.body,
                "span": _span(same_person),
                "role": same_person.get_role_display(),
            }
        }
    if membership.role in PRESIDING_ROLES:
        presiding = overlapping.filter(
            body_id=membership.body_id, role=membership.role
        ).first()
        if presiding:
            return {
                "role": _("%(body)s already has a %(role)s: %(person)s %(span)s.")
                % {
                    "body": presiding.body,
                    "role": presiding.get_role_display().lower(),
                    "person": presiding.person,
                    "span": _span(presiding),
                }
            }
    return {}


def active_bodies() -> QuerySet[Body]:
    """Bodies not dissolved, the council first, then committees and boards."""
    order = Case(
        *(
            When(classification=c, then=i)
            for i, c in enumerate(BodyClassification.values)
        ),
        output_field=IntegerField(),
    )
    return Body.objects.active().select_related("parent").order_by(order, "name")


@dataclass(frozen=True)
class SeatHolder:
    seat: Seat | None
    membership: Membership | None


def seating_chart(body: Body, on: datetime.date | None = None) -> list[SeatHolder]:
    """Every seat of `body` with its holder on `on` (None when vacant), then
    the ex officio members, who hold no seat."""
    members = list(current_members(body, on))
    by_seat = {m.seat_id: m for m in members if m.seat_id}
    chart = [SeatHolder(seat, by_seat.get(seat.pk)) for seat in body.seats.all()]
    chart += [SeatHolder(None, m) for m in members if m.seat_id is None]
    return chart


def people_in_office(on: datetime.date | None = None) -> QuerySet[Person]:
    """People holding any membership on `on`, each with those memberships."""
    on = on or timezone.localdate()
    active = Membership.objects.active_on(on).select_related("body", "seat")
    return Person.objects.in_office(on).prefetch_related(
        Prefetch(
            "memberships", queryset=active.order_by("body__name"), to_attr="current"
        )
    )


@dataclass(frozen=True)
class NavigationLink:
    label: str
    url: str
    current: bool


def main_navigation(current_path: str) -> list[NavigationLink]:
    """The public site's main menu: the live pages below the home page."""
    from wagtail.models import Site

    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is None:
        return []
    links = []
    for page in site.root_page.get_children().live().in_menu().specific():
        url = page.get_url()
        sublinks = []
        if isinstance(page, CouncilPage):
            sublinks.append((_("People"), url + page.reverse_subpage("people")))
        in_sublink = any(
            current_path.startswith(sub_url) for _label, sub_url in sublinks
        )
        links.append(
            NavigationLink(
                page.title, url, current_path.startswith(url) and not in_sublink
            )
        )
        links += [
            NavigationLink(label, sub_url, current_path.startswith(sub_url))
            for label, sub_url in sublinks
        ]
    search_url = reverse("search")
    links.append(
        NavigationLink(_("Search"), search_url, current_path.startswith(search_url))
    )
    return links
