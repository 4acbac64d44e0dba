"""The demo city loads, deterministically, and prints working logins."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from council import selectors
from council.demo import DEMO_PASSWORD, TERMS
from council.models import Body, LegislativeTerm, Membership, Person

pytestmark = pytest.mark.django_db


def load_demo(*args) -> str:
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def test_demo_city_has_its_council_committees_board_and_people():
    load_demo()

    council = Body.objects.get(slug="city-council")
    assert council.seats.count() == 9
    assert Body.objects.filter(classification="committee", parent=council).count() == 3
    assert Body.objects.filter(classification="board").count() == 1
    assert Person.objects.count() == 20
    assert LegislativeTerm.objects.count() == 2
    for _name, start, end in TERMS:
        # Every seat of every body is filled on the first and last day of each term.
        for body in Body.objects.all():
            seated = selectors.current_members(body, start).filter(seat__isnull=False)
            assert seated.count() == body.seats.count(), (body, start)
            assert (
                selectors.current_members(body, end).filter(seat__isnull=False).count()
                == body.seats.count()
            )


@pytest.mark.django_db(transaction=True)
def test_demo_is_deterministic():
    load_demo()
    first = list(
        Membership.objects.order_by("pk").values_list(
            "person__slug",
            "body__slug",
            "seat__label",
            "role",
            "start_date",
            "end_date",
        )
    )
    call_command("flush", "--no-input", verbosity=0)
    load_demo()
    second = list(
        Membership.objects.order_by("pk").values_list(
            "person__slug",
            "body__slug",
            "seat__label",
            "role",
            "start_date",
            "end_date",
        )
    )
    assert first == second


def test_if_empty_leaves_existing_data_alone():
    load_demo()
    out = load_demo("--if-empty")
    assert "already holds data" in out
    assert Person.objects.count() == 20


def test_printed_demo_logins_work():
    load_demo()
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    printed = out.getvalue()

    for username, role in [
        ("clerk", "Clerk"),
        ("records", "Records Manager"),
        ("staff", "Staff"),
    ]:
        assert username in printed and role in printed
        assert authenticate(username=username, password=DEMO_PASSWORD) is not None
    mayor = authenticate(username="mokafor", password=DEMO_PASSWORD)
    assert mayor.person.family_name == "Okafor"
    assert "mokafor" in printed
