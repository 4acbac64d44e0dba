"""The demo city loads, deterministically, and prints working logins."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.utils import timezone

from council import demo as council_demo
from council import selectors
from council.demo import DEMO_PASSWORD, TERMS
from council.models import Body, LegislativeTerm, Membership, Person
from meetings.models import (
    AgendaVersion,
    BoardPack,
    Meeting,
    Minutes,
    Motion,
    PackStatus,
    PersonVote,
    PublishedItem,
)
from records.models import Record

pytestmark = pytest.mark.django_db


def run(command: str, *args) -> str:
    out = io.StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


def test_the_demo_city(django_capture_on_commit_callbacks):
    """One load (it takes a while) checked from every side."""
    run("load_demo")

    # The council domain.
    council = Body.objects.get(slug="city-council")
    assert council.seats.count() == 9
    assert Body.objects.filter(classification="committee", parent=council).count() == 3
    assert Body.objects.filter(classification="board").count() == 1
    assert Person.objects.count() == 20
    assert LegislativeTerm.objects.count() == 2
    for _name, start, end in TERMS:
        for body in Body.objects.all():
            for day in (start, end):
                seated = selectors.current_members(body, day).filter(seat__isnull=False)
                assert seated.count() == body.seats.count(), (body, day)

    # A year of meetings for every body, the past ones published with packs.
    today = timezone.now()
    for body in Body.objects.all():
        meetings = Meeting.objects.of_body(body)
        assert meetings.filter(
            starts_at__lt=today - timezone.timedelta(days=300)
        ).exists()
        assert meetings.filter(starts_at__gt=today).exists()
    assert not BoardPack.objects.exclude(status=PackStatus.READY).exists()
    assert AgendaVersion.objects.filter(number=2).count() == 1
    council_versions = AgendaVersion.objects.filter(meeting__bodies=council, number=1)
    for version in council_versions:
        assert (
            PublishedItem.objects.filter(
                version=version, visibility="confidential"
            ).count()
            == 1
        )
    kinds = set(Record.objects.values_list("mime_type", flat=True))
    assert {"application/pdf"} < kinds and any("wordprocessingml" in k for k in kinds)
    pages = [
        p
        for p in Record.objects.exclude(page_count=None).values_list(
            "page_count", flat=True
        )
    ]
    assert min(pages) == 1 and max(pages) >= 40

    # Past meetings were held: votes of every kind, minutes approved at the
    # next meeting, and the Planning Board's latest minutes public as a draft.
    closed = Motion.objects.filter(status="closed")
    assert closed.filter(kind="consent", result="passed").exists()
    assert closed.filter(result="failed").exists()
    assert closed.filter(result_reason__contains="a tie fails").exists()
    assert closed.filter(kind="amendment").exists()
    assert (
        PersonVote.objects.filter(option="recused")
        .exclude(conflict_declared="")
        .exists()
    )
    assert Minutes.objects.filter(status="approved").count() > 40
    board = Body.objects.get(slug="planning-board")
    assert board.publishes_draft_minutes
    assert Minutes.objects.filter(status="draft", meeting__bodies=board).exists()

    # Logins that work.
    printed = run("demo_logins")
    for username, role in [
        ("clerk", "Clerk"),
        ("records", "Records Manager"),
        ("staff", "Staff"),
    ]:
        assert username in printed and role in printed
        assert authenticate(username=username, password=DEMO_PASSWORD) is not None
    mayor = authenticate(username="mokafor", password=DEMO_PASSWORD)
    assert mayor.person.family_name == "Okafor" and "mokafor" in printed

    # Loading again with --if-empty changes nothing.
    assert "already holds data" in run("load_demo", "--if-empty")
    assert Person.objects.count() == 20


@pytest.mark.django_db(transaction=True)
def test_the_council_demo_is_deterministic():
    def snapshot():
        return list(
            Membership.objects.order_by("pk").values_list(
                "person__slug",
                "body__slug",
                "seat__label",
                "role",
                "start_date",
                "end_date",
            )
        )

    council_demo.load()
    first = snapshot()
    call_command("flush", "--no-input", verbosity=0)
    council_demo.load()

    assert snapshot() == first
