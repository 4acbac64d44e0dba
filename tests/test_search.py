"""Search across everything, leak-proof: the same module runs on whoosh (the
SQLite run) and on modelsearch's PostgreSQL backend (make test-postgres).

Canary words are planted in confidential and internal material; no search
surface for someone who may not see them (results, counts, facets,
snippets, suggestions, autocomplete) may ever show them.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from council.visibility import Role, Visibility
from meetings.services import agenda
from records.services.retention import update_record_metadata
from records.signals import record_content_removed
from search.models import DocumentKind, SearchDocument
from search.selectors import autocomplete
from search.services import refresh_all_documents
from tests.factories import (
    BodyFactory,
    MembershipFactory,
    PersonFactory,
    RecordFactory,
    UserFactory,
    pdf_bytes,
)
from tests.meetings_support import council_meeting, section
from tests.search_support import WHOOSH, found, shown_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("search_backend")]

CONFIDENTIAL_CANARY = "zanzibarquux"
INTERNAL_CANARY = "quokkafrost"


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run the after-commit work (meeting documents are built then)."""

    def run(work):
        with django_capture_on_commit_callbacks(execute=True):
            return work()

    return run


@pytest.fixture
def city(django_capture_on_commit_callbacks, publish):
    """A council meeting with a public and a confidential item, an internal
    record, a public report, and users on and off the council; the work
    queued for after commit (the meeting's documents) has run."""
    with django_capture_on_commit_callbacks(execute=True):
        return _city(publish)


def _city(publish):
    council = BodyFactory(name="City Council", seats=3)
    other = BodyFactory(name="Parks Board", seats=3)
    meeting = council_meeting(days_ahead=10, body=council)
    agenda.add_item(
        section=section(meeting, "New business"),
        title="Cycling network plan for the harbour district",
        description="<p>Protected bicycle lanes along the harbour road.</p>",
    )
    agenda.add_item(
        section=section(meeting, "Closed session"),
        title=f"Acquisition of the {CONFIDENTIAL_CANARY} parcel",
        description=f"<p>Price for the {CONFIDENTIAL_CANARY} land.</p>",
        visibility=Visibility.CONFIDENTIAL,
    )
    clerk = UserFactory(username="clerk", roles=[Role.CLERK])
    publish(meeting=meeting, user=clerk)
    RecordFactory(
        title="Staff memo on parking enforcement",
        content=f"Internal memo: {INTERNAL_CANARY} audit of parking meters.\n".encode(),
        visibility=Visibility.INTERNAL,
        body=council,
    )
    RecordFactory(
        title="Harbour cycling study",
        upload_name="study.pdf",
        content=pdf_bytes(
            "Introduction to the study.",
            "Traffic counts on the ferry road.",
            "Bicycle parking near the harbour terminal.",
        ),
    )
    member = PersonFactory(given_name="Mara", family_name="Council")
    member.user = UserFactory(username="mara", roles=[Role.MEMBER])
    member.save()
    seat = MembershipFactory(person=member, body=council)
    outsider = PersonFactory(given_name="Otto", family_name="Parks")
    outsider.user = UserFactory(username="otto", roles=[Role.MEMBER])
    outsider.save()
    MembershipFactory(person=outsider, body=other)
    return {
        "council": council,
        "meeting": meeting,
        "clerk": clerk,
        "member": member.user,
        "membership": seat,
        "outsider": outsider.user,
        "staff": UserFactory(username="staff", roles=[Role.STAFF]),
    }


def test_citizens_find_public_items_meetings_and_documents(city):
    outcome = found(None, "cycling")

    kinds = {hit.document.kind for hit in outcome.hits}
    assert {DocumentKind.ITEM, DocumentKind.RECORD} <= kinds
    assert outcome.total == len(outcome.hits)
    assert any("<mark>" in str(hit.snippet).lower() for hit in outcome.hits)


@pytest.mark.parametrize("user_key", [None, "staff", "outsider"])
def test_no_surface_reveals_confidential_words_to_those_who_may_not_see_them(
    city, client, user_key
):
    user = city[user_key] if user_key else None
    near_miss = CONFIDENTIAL_CANARY[:-1] + "x"  # asks for a spelling suggestion
    for text in (CONFIDENTIAL_CANARY, near_miss, "acquisition", "parcel", "harbour"):
        assert CONFIDENTIAL_CANARY not in shown_text(found(user, text))
    assert found(user, CONFIDENTIAL_CANARY).total == 0
    assert found(user, "acquisition").total == 0
    assert not autocomplete(user, "Acquisition of")
    assert not autocomplete(user, CONFIDENTIAL_CANARY[:5])
    # The facet counts of a match-everything search do not count it either.
    everything = found(user, "", kind=DocumentKind.ITEM)
    assert CONFIDENTIAL_CANARY not in shown_text(everything)
    if user:
        client.force_login(user)
    for text in ("parcel", "acquisition", near_miss[:6] + "*"):
        page = client.get("/search/", {"q": text}).content.decode().lower()
        assert CONFIDENTIAL_CANARY not in page
    completions = client.get("/search/autocomplete/", {"q": "Acquisition of the"})
    assert completions.json() == {"results": []}


def test_internal_records_are_hidden_from_the_public_only(city):
    assert found(None, INTERNAL_CANARY).total == 0
    assert INTERNAL_CANARY not in shown_text(found(None, "parking"))
    assert not autocomplete(None, "Staff memo")
    assert found(city["staff"], INTERNAL_CANARY).total == 1
    assert found(city["outsider"], INTERNAL_CANARY).total == 1


def test_members_find_their_bodys_confidential_items_until_their_seat_ends(city):
    member = city["member"]
    assert found(member, CONFIDENTIAL_CANARY).total == 1
    assert found(city["clerk"], CONFIDENTIAL_CANARY).total == 1

    membership = city["membership"]
    membership.end_date = timezone.localdate() - datetime.timedelta(days=1)
    membership.save()

    assert found(member, CONFIDENTIAL_CANARY).total == 0


def test_a_record_made_confidential_is_gone_from_public_search_at_once(city, on_commit):
    record = RecordFactory(title="Lease of the ferry kiosk", content=b"Kiosk lease.\n")
    assert found(None, "kiosk").total == 1

    on_commit(
        lambda: update_record_metadata(
            record=record, visibility=Visibility.CONFIDENTIAL
        )
    )

    assert found(None, "kiosk").total == 0
    assert found(city["clerk"], "kiosk").total == 1


def test_a_hit_inside_a_pdf_links_to_its_page(city):
    (hit,) = found(None, "terminal").hits

    assert hit.page_number == 3
    assert hit.url.endswith("#page=3")
    assert "<mark>terminal</mark>" in str(hit.snippet).lower()


def test_phrases_or_not_and_stemming(city):
    def titles(text):
        return {hit.document.title for hit in found(None, text).hits}

    assert "Harbour cycling study" in titles('"ferry road"')
    assert "Harbour cycling study" not in titles('"road ferry"')
    assert titles("bicycle -cycling") == titles("bicycle NOT cycling")
    assert "Harbour cycling study" not in titles("bicycle -cycling")
    either = titles("kayak OR terminal")
    assert "Harbour cycling study" in either
    # English stemming: "counted" and "count" share a stem with "counts".
    assert "Harbour cycling study" in titles("count")


def test_prefix_search(city):
    titles = {hit.document.title for hit in found(None, "cycl*").hits}
    assert "Harbour cycling study" in titles


@pytest.mark.parametrize(
    "text",
    ['"unbalanced quote', "AND OR", "NOT", "harbour AND", "-", "((", "*", '"" OR'],
)
def test_broken_queries_are_repaired_not_failed(city, client, text):
    response = client.get("/search/", {"q": text})

    assert response.status_code == 200


def test_a_repaired_query_says_what_was_repaired(city):
    outcome = found(None, '"ferry road')

    assert outcome.total >= 1
    assert any("quotation mark" in note for note in outcome.parsed.notes)


def test_facets_filters_sorting_and_paging(city):
    for number in range(14):
        RecordFactory(
            title=f"Harbour report {number}",
            content=f"Harbour note {number}.\n".encode(),
        )

    outcome = found(None, "harbour")
    kinds = {facet.value: facet.count for facet in outcome.facets["kind"]}
    assert kinds[DocumentKind.RECORD] >= 15
    assert outcome.pages == -(-outcome.total // 10) and len(outcome.hits) == 10
    second = found(None, "harbour", page=2)
    assert {h.document.pk for h in second.hits}.isdisjoint(
        {h.document.pk for h in outcome.hits}
    )
    only_items = found(None, "harbour", kind=DocumentKind.ITEM)
    assert {h.document.kind for h in only_items.hits} == {DocumentKind.ITEM}
    newest = found(None, "harbour", sort="newest").hits
    dates = [h.document.date for h in newest if h.document.date]
    assert dates == sorted(dates, reverse=True)


def test_a_misspelling_gets_a_suggestion_from_public_words(city):
    outcome = found(None, "bicyle")

    # "Did you mean" comes from the whoosh backend; PostgreSQL has none.
    assert outcome.suggestion == ("bicycle" if WHOOSH else "")


def test_destroyed_and_deleted_sources_leave_the_index(city):
    record = RecordFactory(title="Ferry timetable", content=b"Timetable.\n")
    assert found(None, "timetable").total == 1
    record_content_removed.send(sender=type(record), record=record)

    assert found(None, "timetable").total == 0
    assert not SearchDocument.objects.filter(title="Ferry timetable").exists()


def test_rebuilding_documents_from_the_database_is_idempotent(city):
    refresh_all_documents()
    documents = set(SearchDocument.objects.values_list("pk", "updated_at"))

    refresh_all_documents()

    assert set(SearchDocument.objects.values_list("pk", "updated_at")) == documents
    assert SearchDocument.objects.filter(kind=DocumentKind.PAGE).exists()


def test_the_search_page_on_a_phone_shows_results_and_helps_when_empty(city, client):
    html = client.get("/search/", {"q": "cycling"}).content.decode()
    assert "result" in html and "Cycling network plan" in html

    empty = client.get("/search/", {"q": "xylophonic"}).content.decode()
    assert "No results" in empty and "Check the spelling" in empty
