"""factory_boy factories for the council domain, users and records."""

from __future__ import annotations

import datetime
import io

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from fpdf import FPDF

from council.models import (
    Body,
    LegislativeTerm,
    Membership,
    MembershipRole,
    Person,
    Seat,
)
from council.visibility import Visibility
from records.models import Record
from records.services import store_record


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


def pdf_bytes(*page_texts: str) -> bytes:
    """A real PDF (fpdf2) with one page per text."""
    pdf = FPDF()
    pdf.set_font("helvetica", size=12)
    for text in page_texts or ("",):
        pdf.add_page()
        if text:
            pdf.multi_cell(w=0, text=text)
    return bytes(pdf.output())


class RecordFactory(factory.Factory):
    """A record stored through `store_record`; a small text file by default.

    `RecordFactory(content=pdf_bytes("Agenda"), upload_name="agenda.pdf")`.
    """

    class Meta:
        model = Record

    title = factory.Sequence(lambda n: f"Record {n}")
    upload_name = "notes.txt"
    content = factory.Sequence(lambda n: f"Notes of record {n}.\n".encode())
    visibility = Visibility.PUBLIC
    body = None
    created_by = None

    @classmethod
    def _create(cls, model_class, *, upload_name, content, **kwargs):
        return store_record(upload_name=upload_name, data=io.BytesIO(content), **kwargs)
