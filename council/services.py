"""Writes of the council domain. Each validates fully before saving."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page, Site

from council.models import (
    Body,
    CouncilPage,
    HomePage,
    LegislativeTerm,
    Membership,
    MembershipRole,
    Person,
    Seat,
)
from council.visibility import Role


@transaction.atomic
def create_body(
    *,
    name: str,
    slug: str,
    classification: str,
    seat_labels: list[str],
    parent: Body | None = None,
    **fields,
) -> Body:
    """Create a body with its seats, in the order given."""
    body = Body(
        name=name, slug=slug, classification=classification, parent=parent, **fields
    )
    body.full_clean()
    body.save()
    for order, label in enumerate(seat_labels):
        seat = Seat(body=body, label=label, sort_order=order)
        seat.full_clean()
        seat.save()
    return body


def create_legislative_term(
    *, name: str, start_date: datetime.date, end_date: datetime.date
) -> LegislativeTerm:
    term = LegislativeTerm(name=name, start_date=start_date, end_date=end_date)
    term.full_clean()
    term.save()
    return term


def create_person(*, given_name: str, family_name: str, slug: str, **fields) -> Person:
    person = Person(given_name=given_name, family_name=family_name, slug=slug, **fields)
    person.full_clean()
    person.save()
    return person


@transaction.atomic
def start_membership(
    *,
    person: Person,
    body: Body,
    start_date: datetime.date,
    seat: Seat | None = None,
    role: str = MembershipRole.MEMBER,
    end_date: datetime.date | None = None,
    legislative_term: LegislativeTerm | None = None,
    note: str = "",
) -> Membership:
    """Put `person` in a seat or role of `body`.

    Raises ValidationError when the seat is taken for any day of the term,
    the person already sits on the body then, or the body already has that
    chair or vice-chair.
    """
    membership = Membership(
        person=person,
        body=body,
        seat=seat,
        role=role,
        start_date=start_date,
        end_date=end_date,
        legislative_term=legislative_term,
        note=note,
    )
    membership.full_clean()
    membership.save()
    return membership


@transaction.atomic
def end_membership(*, membership: Membership, end_date: datetime.date) -> Membership:
    """End a term on `end_date` (the member's last day in office)."""
    membership.end_date = end_date
    membership.full_clean()
    membership.save(update_fields=["end_date"])
    return membership


# The model permissions each role's group holds; "access_admin" opens Wagtail.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.CLERK: [
        "wagtailadmin.access_admin",
        *(
            f"council.{action}_{model}"
            for model in ("body", "seat", "person", "membership", "legislativeterm")
            for action in ("add", "change", "delete", "view")
        ),
    ],
    Role.RECORDS_MANAGER: [
        "wagtailadmin.access_admin",
        *(f"council.view_{model}" for model in ("body", "person", "membership")),
    ],
    Role.STAFF: [
        "wagtailadmin.access_admin",
        *(f"council.view_{model}" for model in ("body", "person", "membership")),
    ],
    Role.MEMBER: [],
}


def sync_role_groups() -> None:
    """Create the role groups and grant their permissions; safe to repeat.

    Later apps extend ROLE_PERMISSIONS from their AppConfig.ready().
    """
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        wanted = [_permission(dotted) for dotted in codenames]
        group.permissions.add(*wanted)


def _permission(dotted: str) -> Permission:
    app_label, codename = dotted.split(".")
    try:
        return Permission.objects.get(
            content_type__app_label=app_label, codename=codename
        )
    except Permission.DoesNotExist:
        raise ImproperlyConfigured(
            f"Role permission {dotted!r} does not exist."
        ) from None


@transaction.atomic
def ensure_site_pages() -> HomePage:
    """Give the public site its home page and council directory, once.

    Runs after every migrate (and flush), so a new database always serves
    Quorum's home page instead of Wagtail's welcome page.
    """
    home = HomePage.objects.first()
    if home is not None:
        return home
    Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )
    root = Page.get_first_root_node() or Page.add_root(
        instance=Page(title="Root", slug="root")
    )
    for welcome_page in root.get_children().exact_type(Page):
        welcome_page.delete()
    home = root.add_child(
        instance=HomePage(
            title=settings.QUORUM_CITY_NAME,
            slug="home",
            intro="<p>Meetings, agendas, minutes, votes and public records.</p>",
        )
    )
    home.add_child(
        instance=CouncilPage(
            title="Council and committees", slug="council", show_in_menus=True
        )
    )
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={
            "hostname": "localhost",
            "port": 80,
            "root_page": home,
            "site_name": "Quorum",
        },
    )
    return home
