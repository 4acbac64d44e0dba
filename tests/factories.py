"""factory_boy factories for the council domain and users."""

from __future__ import annotations

import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from council.models import (
    Body,
    LegislativeTerm,
    Membership,
    MembershipRole,
    Person,
    Seat,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "secret-pass")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        """`UserFactory(roles=[Role.CLERK])` puts the user in those groups."""
        for role in extracted or []:
            self.groups.add(Group.objects.get_or_create(name=role)[0])
        if create:
            self.save()


class LegislativeTermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LegislativeTerm

    name = factory.Sequence(lambda n: f"Term {n}")
    start_date = datetime.date(2022, 11, 15)
    end_date = datetime.date(2026, 11, 14)


class BodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Body
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Committee {n}")
    slug = factory.Sequence(lambda n: f"committee-{n}")
    classification = "committee"

    @factory.post_generation
    def seats(self, create, extracted, **kwargs):
        """Seats named "Seat 1".."Seat N"; `BodyFactory(seats=9)`, default 5."""
        if not create:
            return
        count = 5 if extracted is None else extracted
        for number in range(1, count + 1):
            Seat.objects.create(body=self, label=f"Seat {number}", sort_order=number)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    given_name = factory.Faker("first_name")
    family_name = factory.Faker("last_name")
    slug = factory.Sequence(lambda n: f"person-{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    """A member in the body's first free-by-default seat; pass `seat=` to choose."""

    class Meta:
        model = Membership

    person = factory.SubFactory(PersonFactory)
    body = factory.SubFactory(BodyFactory)
    seat = factory.LazyAttribute(lambda m: m.body.seats.first())
    role = MembershipRole.MEMBER
    start_date = datetime.date(2022, 11, 15)
    end_date = None
