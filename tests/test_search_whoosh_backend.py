"""The whoosh search backend, through real models (tests.searchapp).

Every test has its own index under tmp_path; the backend is configured as
Wagtail's default, so ``Model.objects.search()``, ``update_index`` and the
save/delete signals go through it as they will in production.
"""

from __future__ import annotations

import datetime
import random
import threading
from io import StringIO

import numpy as np
import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import management
from django.core.exceptions import ImproperlyConfigured
from django.db.models import F, Q
from modelsearch.backends import get_search_backend
from modelsearch.backends.base import (
    FilterError,
    FilterFieldError,
    OrderByFieldError,
    SearchFieldError,
)
from modelsearch.query import (
    MATCH_ALL,
    MATCH_NONE,
    And,
    Boost,
    Fuzzy,
    Not,
    Or,
    Phrase,
    PlainText,
)
from modelsearch.utils import parse_query_string
from wagtail.models import Page
from whoosh import fields as whoosh_fields
from whoosh import sorting
from whoosh.codec.whoosh3 import W3Codec
from whoosh.filedb.filestore import RamStorage
from whoosh.index import create_in

from council.visibility import Role
from search.backends.whoosh import IndexUnavailable, WhooshSearchBackend, _collector
from search.backends.whoosh_codec import QuorumCodec
from search.backends.whoosh_mapping import FilterColumn, TextColumn, text_analyzer
from search.backends.whoosh_queries import (
    QueryTranslator,
    all_of,
    any_of,
    everything,
    lookup_query,
    negation,
)
from search.backends.whoosh_ranking import Unsupported, filter_mask, rank
from search.backends.whoosh_segments import SegmentCache
from search.backends.whoosh_storage import AllowedDocuments
from tests.factories import BodyFactory, MembershipFactory, PersonFactory, UserFactory
from tests.searchapp.models import Document, Minutes, Topic

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


def titles(results) -> list[str]:
    return [result.title for result in results]


@pytest.fixture
def backend(settings, tmp_path):
    """The default search backend, on a fresh (empty, built) index."""
    settings.WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": "search.backends.whoosh",
            "PATH": str(tmp_path / "search-index"),
            "WRITE_LOCK_TIMEOUT": 0.2,
        }
    }
    backend = get_search_backend()
    backend.rebuild_index([Document])
    yield backend
    backend.close()


@pytest.fixture
def bodies():
    return {"council": BodyFactory(name="City Council"), "board": BodyFactory()}


@pytest.fixture
def corpus(backend, bodies):
    """Five documents, saved (and so indexed) one by one through the signals."""
    council, board = bodies["council"].pk, bodies["board"].pk
    finance = Topic.objects.create(name="Finance")
    parks = Topic.objects.create(name="Parks", kind="department")
    budget = Document.objects.create(
        title="Annual budget hearing",
        body="The council heard comments on the parks budget and library funding.",
        published_on=datetime.date(2024, 3, 5),
        updated_at=datetime.datetime(2024, 3, 5, 18, 0, tzinfo=UTC),
        body_id=council,
        pages=12,
    )
    plan = Document.objects.create(
        title="Parks master plan",
        body="Playgrounds, trails and the maintenance budgets of every park.",
        published_on=datetime.date(2023, 11, 20),
        updated_at=datetime.datetime(2023, 11, 20, 9, 30, tzinfo=UTC),
        visibility="internal",
        body_id=board,
        pages=40,
    )
    closed = Document.objects.create(
        title="Closed session: land acquisition",
        body="Negotiations on the Riverside parcel; the appraisal is confidential.",
        visibility="confidential",
        body_id=council,
        pages=3,
    )
    minutes = Minutes.objects.create(
        title="Minutes of the regular meeting",
        body="A quorum was present. The budget was adopted.",
        decisions="Adopted resolution 2024-17 on the library levy.",
        meeting_on=datetime.date(2024, 3, 12),
        published_on=datetime.date(2024, 3, 20),
        updated_at=datetime.datetime(2024, 3, 20, 12, 0, tzinfo=UTC),
        body_id=council,
        pages=5,
    )
    library = Document.objects.create(
        title="Library hours",
        body="Extended weekend hours at the central library & café.",
        published_on=datetime.date(2022, 6, 1),
        updated_at=datetime.datetime(2022, 6, 1, 8, 0, tzinfo=UTC),
        body_id=board,
        pages=2,
    )
    # Saving the relation does not send post_save: index the new topics.
    budget.topics.add(finance)
    plan.topics.add(parks, finance)
    backend.add_bulk(Document, Document.objects.filter(pk__in=[budget.pk, plan.pk]))
    return {
        "budget": budget,
        "plan": plan,
        "closed": closed,
        "minutes": Minutes.objects.get(pk=minutes.pk),
        "library": library,
        "finance": finance,
        "parks": parks,
    }


# Configuration


def test_the_backend_is_found_by_its_module_path(backend):
    assert isinstance(backend, WhooshSearchBackend)
    assert get_search_backend("search.backends.whoosh", PATH="x").path.name == "x"


def test_the_backend_needs_an_index_directory_and_known_options():
    with pytest.raises(ImproperlyConfigured, match="PATH"):
        WhooshSearchBackend({})
    with pytest.raises(ImproperlyConfigured, match="WRITE_TIMEOUT"):
        WhooshSearchBackend({"PATH": "/tmp/x", "WRITE_TIMEOUT": 1})


# Query types


def test_plain_text_matches_every_word_by_default_or_any_word(corpus):
    assert set(titles(Document.objects.search("parks budget"))) == {
        "Annual budget hearing",
        "Parks master plan",
    }
    assert set(
        titles(Document.objects.search("playgrounds library", operator="or"))
    ) == {
        "Parks master plan",
        "Library hours",
        "Annual budget hearing",
        "Minutes of the regular meeting",
    }
    assert titles(Document.objects.search(PlainText("playgrounds library"))) == []


def test_words_are_stemmed_and_accents_folded(corpus):
    assert "Annual budget hearing" in titles(Document.objects.search("hearings"))
    assert titles(Document.objects.search("cafe")) == ["Library hours"]
    assert titles(Document.objects.search("adopting resolutions")) == [
        "Minutes of the regular meeting"
    ]


def test_phrase_needs_the_words_together_and_in_order(corpus):
    assert titles(Document.objects.search(Phrase("parks budget"))) == [
        "Annual budget hearing"
    ]
    assert titles(Document.objects.search(Phrase("budget parks"))) == []


def test_and_or_not_and_match_all(corpus):
    search = Document.objects.search
    assert titles(search(And([PlainText("budget"), PlainText("quorum")]))) == [
        "Minutes of the regular meeting"
    ]
    assert set(titles(search(Or([PlainText("quorum"), PlainText("trails")])))) == {
        "Minutes of the regular meeting",
        "Parks master plan",
    }
    assert titles(search(PlainText("budget") & Not(PlainText("library")))) == [
        "Parks master plan"
    ]
    assert set(titles(search(Not(PlainText("budget"))))) == {
        "Closed session: land acquisition",
        "Library hours",
    }
    assert search(MATCH_ALL).count() == 5
    assert list(search(MATCH_NONE)) == []
    assert search(PlainText("budget") | MATCH_NONE).count() == 3
    assert search(PlainText("budget") & MATCH_ALL).count() == 3
    assert list(search("the")) == []


def test_boost_reorders_alternatives(corpus):
    def ranked(boost):
        query = PlainText("trails") | Boost(PlainText("weekend"), boost)
        return titles(Document.objects.search(query))

    assert ranked(10) == ["Library hours", "Parks master plan"]
    assert ranked(0.1) == ["Parks master plan", "Library hours"]


def test_fuzzy_tolerates_typing_mistakes(corpus):
    assert titles(Document.objects.search(Fuzzy("appraisl"))) == [
        "Closed session: land acquisition"
    ]


def test_title_boost_ranks_title_matches_first(corpus):
    # "library" is in one title and in two other documents' text.
    assert titles(Document.objects.search("library"))[0] == "Library hours"
    assert titles(Document.objects.search("library", fields=["title"])) == [
        "Library hours"
    ]
    # "levy" is in Minutes.decisions only.
    assert list(Document.objects.search("levy", fields=["body"])) == []
    with pytest.raises(SearchFieldError):
        Document.objects.search("library", fields=["pages"])


def test_a_users_query_string_with_phrases_and_prefixes(corpus):
    filters, query = parse_query_string('"parks budget" heari* visibility:public')
    assert filters.dict() == {"visibility": "public"}
    results = Document.objects.filter(**filters.dict()).search(query)
    assert titles(results) == ["Annual budget hearing"]
    # "meetings*" also finds the stem "meet" of "meeting".
    assert titles(Document.objects.search("lib* meetings*")) == [
        "Minutes of the regular meeting"
    ]
    assert titles(Document.objects.search("li*")) != []


# Filters


def test_filters_on_values_ranges_dates_and_nulls(corpus):
    def found(queryset):
        return set(titles(queryset.search(MATCH_ALL)))

    docs = Document.objects
    assert found(docs.filter(visibility="internal")) == {"Parks master plan"}
    assert found(docs.filter(pages__in=[2, 3])) == {
        "Library hours",
        "Closed session: land acquisition",
    }
    assert found(docs.filter(pages__gt=5, pages__lte=40)) == {
        "Annual budget hearing",
        "Parks master plan",
    }
    assert found(docs.filter(pages__range=(3, 5))) == {
        "Closed session: land acquisition",
        "Minutes of the regular meeting",
    }
    assert found(docs.filter(published_on__isnull=True)) == {
        "Closed session: land acquisition"
    }
    assert found(docs.filter(published_on__gte=datetime.date(2024, 3, 5))) == {
        "Annual budget hearing",
        "Minutes of the regular meeting",
    }
    assert found(docs.filter(published_on__year=2023)) == {"Parks master plan"}
    evening = datetime.datetime(2024, 3, 5, 18, 0, tzinfo=UTC)
    assert found(docs.filter(updated_at__lt=evening)) == {
        "Parks master plan",
        "Library hours",
    }
    assert "Annual budget hearing" in found(docs.filter(updated_at__lte=evening))
    assert found(docs.filter(title__startswith="Parks")) == {"Parks master plan"}
    assert found(docs.exclude(pages__gt=4)) == {
        "Closed session: land acquisition",
        "Library hours",
    }
    assert found(docs.filter(Q(pages=2) | Q(visibility="internal"))) == {
        "Library hours",
        "Parks master plan",
    }
    assert found(docs.none()) == set()


def test_filters_on_primary_keys_and_related_rows(corpus):
    docs = Document.objects
    budget, plan = corpus["budget"], corpus["plan"]
    found = set(titles(docs.filter(pk__in=[budget.pk, plan.pk]).search("budget")))
    assert found == {"Annual budget hearing", "Parks master plan"}
    assert titles(docs.filter(topics__name="Parks").search(MATCH_ALL)) == [
        "Parks master plan"
    ]
    # Two conditions on the same related row: only "Parks" is a department.
    same_topic = docs.filter(topics__name="Finance", topics__kind="department")
    assert list(same_topic.search(MATCH_ALL)) == []
    assert titles(
        docs.filter(topics__name="Parks", topics__kind="department").search("budget")
    ) == ["Parks master plan"]
    minutes = corpus["minutes"]
    assert titles(Minutes.objects.filter(pk=minutes.pk).search("budget")) == [
        "Minutes of the regular meeting"
    ]
    assert list(Minutes.objects.exclude(pk=minutes.pk).search("budget")) == []


def test_filters_need_filter_fields_and_known_lookups(corpus):
    with pytest.raises(FilterFieldError):
        list(Document.objects.filter(body="x").search("budget"))
    with pytest.raises(FilterError):
        list(Document.objects.filter(title__icontains="x").search("budget"))


def test_filters_apply_before_the_top_results_are_taken(corpus):
    """GIVEN fifteen internal documents that match "zoning" strongly and one
    public document that mentions it once
    WHEN an anonymous visitor asks for the first ten results
    THEN the public document is found: visibility is applied inside the
    engine, not by trimming the top ten afterwards."""
    for number in range(15):
        Document.objects.create(
            title=f"Zoning amendment {number}",
            body="zoning zoning zoning",
            visibility="internal",
        )
    Document.objects.create(title="Agenda", body="Item 4 mentions zoning once.")

    results = Document.objects.visible_to(AnonymousUser()).search("zoning")

    assert titles(results[:10]) == ["Agenda"]
    assert results.count() == 1


def test_members_see_confidential_documents_of_their_body(corpus, bodies):
    member = UserFactory(roles=[Role.MEMBER])
    MembershipFactory(body=bodies["council"], person=PersonFactory(user=member))
    outsider = UserFactory(roles=[Role.MEMBER])
    MembershipFactory(body=bodies["board"], person=PersonFactory(user=outsider))

    def search(user):
        return set(titles(Document.objects.visible_to(user).search("appraisal")))

    assert search(member) == {"Closed session: land acquisition"}
    assert search(outsider) == set()
    assert search(AnonymousUser()) == set()
    assert search(UserFactory(roles=[Role.CLERK])) == {
        "Closed session: land acquisition"
    }


# Ordering, slicing, facets, scores


def test_ordering_by_indexed_fields_in_both_directions(corpus):
    def ordered(*ordering):
        queryset = Document.objects.order_by(*ordering)
        return titles(queryset.search("budget", order_by_relevance=False))

    by_date = [
        "Parks master plan",
        "Annual budget hearing",
        "Minutes of the regular meeting",
    ]
    assert ordered("published_on") == by_date
    assert ordered("-published_on") == by_date[::-1]
    assert ordered("-updated_at") == by_date[::-1]
    assert ordered(F("pages").desc()) == [
        "Parks master plan",
        "Annual budget hearing",
        "Minutes of the regular meeting",
    ]
    assert titles(Document.objects.search(MATCH_ALL, order_by="title")) == sorted(
        Document.objects.values_list("title", flat=True)
    )
    # No ordering: newest first.
    assert ordered()[0] == "Minutes of the regular meeting"
    with pytest.raises(OrderByFieldError):
        Document.objects.search("budget", order_by="body")


def test_counts_and_pages_follow_index_changes(corpus):
    results = Document.objects.search("budget")
    assert results.count() == 3
    first, rest = titles(results[:2]), titles(results[2:])
    assert len(first) == 2 and first + rest == titles(results)

    Document.objects.create(title="Budget amendment")

    assert Document.objects.search("budget").count() == 4
    assert results.count() == 3  # a results object keeps its count


def test_slices_and_counts(corpus):
    results = Document.objects.search(MATCH_ALL, order_by="pages")
    assert titles(results[1:3]) == [
        "Closed session: land acquisition",
        "Minutes of the regular meeting",
    ]
    assert results[1:3].count() == 2
    assert results[3:].count() == 2
    assert results[0].title == "Library hours"
    assert results.count() == 5


def test_relevance_scores_can_be_annotated(corpus):
    results = list(Document.objects.search("budget").annotate_score("score"))
    scores = [result.score for result in results]
    assert all(isinstance(score, float) and score > 0 for score in scores)
    assert scores == sorted(scores, reverse=True)
    ordered = Document.objects.search("budget", order_by="pages").annotate_score("s")
    assert all(result.s > 0 for result in ordered)


def test_facets_count_matching_documents_per_value(corpus):
    finance, parks = corpus["finance"], corpus["parks"]
    assert Document.objects.search(MATCH_ALL).facet("visibility") == {
        "public": 3,
        "internal": 1,
        "confidential": 1,
    }
    budget_topics = Document.objects.search("budget").facet("topics")
    assert budget_topics == {finance.pk: 2, None: 1, parks.pk: 1}
    assert next(iter(budget_topics)) == finance.pk
    published = Document.objects.filter(visibility="public").search(MATCH_ALL)
    assert published.facet("published_on") == {
        datetime.date(2024, 3, 5): 1,
        datetime.date(2024, 3, 20): 1,
        datetime.date(2022, 6, 1): 1,
    }
    with pytest.raises(FilterFieldError):
        Document.objects.search(MATCH_ALL).facet("body")


def test_autocomplete_matches_the_beginnings_of_title_words(corpus):
    assert titles(Document.objects.autocomplete("bud")) == ["Annual budget hearing"]
    assert titles(Document.objects.autocomplete("libr hou")) == ["Library hours"]
    assert titles(Document.objects.autocomplete("ho", fields=["title"])) == [
        "Library hours"
    ]
    assert titles(Minutes.objects.autocomplete("reg")) == [
        "Minutes of the regular meeting"
    ]
    assert list(Document.objects.autocomplete("playgr")) == []  # body text only
    # A SearchField named in `fields` without an AutocompleteField: prefixes.
    assert titles(Document.objects.autocomplete("playgr", fields=["body"])) == [
        "Parks master plan"
    ]


# Inherited models


def test_subclasses_are_searched_within_their_root_models_index(corpus):
    # "levy" is only in Minutes.decisions, a field of the subclass.
    results = list(Document.objects.search("levy"))
    assert [type(result) for result in results] == [Document]
    assert titles(results) == ["Minutes of the regular meeting"]
    minutes = Minutes.objects.search("budget")
    assert [type(result) for result in minutes] == [Minutes]
    assert titles(Minutes.objects.filter(meeting_on__year=2024).search("budget")) == [
        "Minutes of the regular meeting"
    ]
    with pytest.raises(FilterError, match="month"):
        list(Minutes.objects.filter(meeting_on__month=3).search("budget"))


# Index updates


def test_saving_and_deleting_update_the_index(backend):
    """GIVEN a built index
    WHEN a document is created, retitled and deleted through the ORM
    THEN each change is searchable at once (modelsearch's signals)."""
    document = Document.objects.create(title="Sidewalk repair schedule")
    assert titles(Document.objects.search("sidewalk")) == ["Sidewalk repair schedule"]

    document.title = "Street lighting schedule"
    document.save()
    assert list(Document.objects.search("sidewalk")) == []
    assert titles(Document.objects.search("lighting")) == ["Street lighting schedule"]
    assert Document.objects.search("schedule").count() == 1

    document.delete()
    assert list(Document.objects.search("lighting")) == []


def test_update_index_builds_every_index_from_the_database(settings, tmp_path):
    """GIVEN documents saved while the whoosh backend was not configured
    WHEN update_index runs
    THEN they are found, and so are Wagtail pages (multi-table models)."""
    Document.objects.create(title="Snow removal routes")
    settings.WAGTAILSEARCH_BACKENDS = {
        "default": {"BACKEND": "search.backends.whoosh", "PATH": str(tmp_path / "i")}
    }
    backend = get_search_backend()
    with pytest.raises(IndexUnavailable, match="not been built"):
        list(Document.objects.search("snow"))

    management.call_command("update_index", stdout=StringIO())

    try:
        assert titles(Document.objects.search("snow")) == ["Snow removal routes"]
        pages = Page.objects.live().search("council")
        assert "Council and committees" in titles(pages)
        assert backend.is_healthy()
    finally:
        backend.close()


def test_a_damaged_index_is_reported_and_rebuilt(corpus, backend):
    """GIVEN a built index whose segment file was cut short
    WHEN it is searched
    THEN IndexUnavailable says so and health reports it, until a rebuild
    from the database restores the results."""
    backend.close()
    segments = list((backend.path / "searchapp_document").glob("*.seg"))
    assert segments
    for segment in segments:
        with segment.open("r+b") as damaged:
            damaged.truncate(segment.stat().st_size // 2)

    with pytest.raises(IndexUnavailable, match="damaged"):
        list(Document.objects.search("budget"))
    report = next(r for r in backend.health() if r.name == "searchapp_document")
    assert not report.healthy and "damaged" in report.problem

    backend.rebuild_index([Minutes])

    assert Document.objects.search("budget").count() == 3
    report = next(r for r in backend.health() if r.name == "searchapp_document")
    assert report.healthy and report.documents == 5


def test_an_index_built_for_other_search_fields_needs_a_rebuild(backend, corpus):
    backend.close()
    directory = backend.path / "searchapp_document"
    create_in(str(directory), whoosh_fields.Schema(m__id=whoosh_fields.ID(stored=True)))

    with pytest.raises(IndexUnavailable, match="other search fields"):
        list(Document.objects.search("budget"))

    management.call_command("update_index", stdout=StringIO())
    assert Document.objects.search("budget").count() == 3


def test_searches_go_on_while_a_writer_holds_the_lock(corpus, backend):
    """GIVEN a writer that holds the index's lock (as a long update would)
    WHEN a search runs and a document is saved meanwhile
    THEN the search answers from the committed index at once, the save is
    queued rather than blocked, and it is written when the lock is free."""
    store = backend.store(Document)
    holding, release = threading.Event(), threading.Event()

    def hold_lock():
        with store.writer(timeout=1, purpose="test writer"):
            holding.set()
            release.wait(10)

    writer = threading.Thread(target=hold_lock)
    writer.start()
    try:
        assert holding.wait(5)
        assert Document.objects.search("budget").count() == 3
        Document.objects.create(title="Snow budget")
        report = next(r for r in backend.health() if r.name == "searchapp_document")
        assert "test writer" in report.writer and report.pending_updates == 1
        assert report.healthy
        impatient = get_search_backend("default", STALE_LOCK_AFTER=0)
        report = next(r for r in impatient.health() if r.name == "searchapp_document")
        assert not report.healthy and "stale" in report.problem
    finally:
        release.set()
        writer.join()

    # The next save writes the queued one too.
    Document.objects.create(title="Street budget")
    assert Document.objects.search("budget").count() == 5
    assert store.pending.count() == 0


def test_queued_updates_can_be_written_without_waiting_for_a_save(corpus, backend):
    store = backend.store(Document)
    store.pending.add([("searchapp.document", str(corpus["library"].pk))])
    Document.objects.filter(pk=corpus["library"].pk).update(title="Library closures")

    backend.flush_pending()

    assert titles(Document.objects.search("closures")) == ["Library closures"]
    assert store.pending.count() == 0


def test_a_rebuild_serves_the_old_index_until_it_finishes(corpus, backend):
    index = backend.get_index_for_model(Document)
    rebuilder = backend.rebuilder_class(index)
    target = rebuilder.start()
    target.add_items(Document, [corpus["library"]])

    assert Document.objects.search(MATCH_ALL).count() == 5
    rebuilder.finish()
    assert titles(Document.objects.search(MATCH_ALL)) == ["Library hours"]


def test_reset_empties_the_index(corpus, backend):
    backend.get_index_for_model(Minutes).reset()
    assert Document.objects.search(MATCH_ALL).count() == 0
    assert backend.store(Document).health().healthy


def test_the_searcher_is_kept_between_searches(corpus, backend):
    store = backend.store(Document)
    assert store.searcher() is store.searcher()
    first = store.searcher()
    Document.objects.create(title="Transit study")
    assert store.searcher() is not first
    assert titles(Document.objects.search("transit")) == ["Transit study"]


# Each: the query for two words, and whether a document with / without
# each word matches it.
COMBINATIONS = [
    (lambda a, b: PlainText(f"{a} {b}", operator="or"), lambda x, y: x or y),
    (lambda a, b: PlainText(f"{a} {b}"), lambda x, y: x and y),
    (lambda a, b: PlainText(a) & Not(PlainText(b)), lambda x, y: x and not y),
    (lambda a, b: Not(PlainText(a)), lambda x, y: not x),
    (lambda a, b: PlainText(a) | Boost(PlainText(b), 2), lambda x, y: x or y),
]


def test_the_top_results_are_exactly_the_best_matches():
    """whoosh's own shortcuts for a top N lose documents of compound queries
    and its negations can return deleted documents: every combination here
    must give what scoring every document and sorting gives."""
    rng = random.Random(5)
    index, content = _segmented_corpus(rng)
    translator = QueryTranslator(CORPUS_COLUMNS)

    with index.searcher() as searcher:
        pk = {
            docnum: int(searcher.stored_fields(docnum)["m__id"])
            for docnum in searcher.reader().all_doc_ids()
        }
        allowed = _below_five(searcher, SegmentCache())
        for _ in range(60):
            a, b = rng.sample(CORPUS_WORDS, 2)
            make_query, matches = rng.choice(COMBINATIONS)
            scored = translator.translate(make_query(a, b))
            ranked = _exhaustive(searcher, scored, allowed)
            top = _collector(10, None, allowed)
            searcher.search_with_collector(scored, top)

            assert {pk[docnum] for _, docnum in ranked} == {
                number
                for number, found in content.items()
                if matches(a in found, b in found) and number % 10 < 5
            }
            assert top.results().top_n == ranked[:10]
            assert top.count() == len(ranked)


@pytest.mark.parametrize("codec", [W3Codec, QuorumCodec])
def test_rankings_read_from_postings_match_whoosh_scoring_every_match(codec):
    """GIVEN three segments with deletions, boosted columns and a filter,
    written by whoosh's codec or Quorum's
    WHEN random queries (words with and, or, not and boosts; phrases;
    prefixes; everything) are ranked from the posting lists in bulk
    THEN the count and matches are whoosh's, and the top 10 are whoosh's
    best, ties of equal score apart."""
    rng = random.Random(11)
    index, _content = _segmented_corpus(rng, codec())
    translator = QueryTranslator(CORPUS_COLUMNS)

    with index.searcher() as searcher:
        cache = SegmentCache()
        for number in range(200):
            allowed = _below_five(searcher, cache) if number % 2 else None
            scored = translator.translate(_random_query(rng))
            limit = None if number % 10 == 0 else 10
            exhaustive = _exhaustive(searcher, scored, allowed)
            ranked = rank(searcher, scored, allowed, limit, cache)

            assert ranked.total == len(exhaustive), scored
            assert _found(ranked, searcher) == sorted(d for _, d in exhaustive)
            expected = exhaustive if limit is None else exhaustive[:limit]
            assert [score for score, _ in ranked.hits] == pytest.approx(
                [score for score, _ in expected], rel=1e-9
            ), scored
            scores = {docnum: score for score, docnum in exhaustive}
            for score, docnum in ranked.hits:
                assert scores[docnum] == pytest.approx(score, rel=1e-9)


def test_rankings_by_a_column_match_whoosh_sorting():
    """GIVEN the same segments WHEN matches are ordered by a column, up or
    down THEN the order is whoosh's SortingCollector's, ties included."""
    rng = random.Random(5)
    index, _content = _segmented_corpus(rng)
    translator = QueryTranslator(CORPUS_COLUMNS)

    with index.searcher() as searcher:
        cache = SegmentCache()
        for number in range(40):
            descending = bool(number % 2)
            scored = translator.translate(_random_query(rng))
            facets = [sorting.FieldFacet("f__n", reverse=descending)]
            limit = 10 if number % 3 else None
            collector = _collector(limit, facets, None)
            searcher.search_with_collector(scored, collector)
            ranked = rank(searcher, scored, None, limit, cache, [("f__n", descending)])

            assert [d for _, d in ranked.hits] == [
                d for _, d in collector.results().top_n
            ], scored
            assert ranked.total == collector.count()


def test_filters_become_the_documents_whoosh_finds():
    """Filter queries (terms, ranges on a column, and/or/not, everything)
    evaluated on arrays allow exactly the documents whoosh's matchers do."""
    rng = random.Random(8)
    index, _content = _segmented_corpus(rng)
    column = FilterColumn("f__n", "int", multi=False)
    with index.searcher() as searcher:
        cache = SegmentCache()
        for _ in range(60):
            low, high = sorted(rng.sample(range(-1, 11), 2))
            lookups = [
                lookup_query(column, "exact", rng.randrange(10)),
                lookup_query(column, "range", (low, high)),
                lookup_query(column, rng.choice(["gt", "lt", "gte", "lte"]), low),
                lookup_query(column, "in", rng.sample(range(10), 3)),
            ]
            filters = rng.choice(
                [
                    all_of(rng.sample(lookups, 2)),
                    any_of(rng.sample(lookups, 2)),
                    all_of([lookups[0], negation(lookups[1])]),
                    negation(rng.choice(lookups)),
                    rng.choice(lookups),
                    everything(),
                ]
            )
            for leaf, _offset in searcher.leaf_searchers():
                mask = filter_mask(filters, leaf, leaf.reader(), cache)
                live = cache.live(leaf.reader())
                assert np.flatnonzero(mask & live).tolist() == sorted(
                    filters.docs(leaf)
                ), filters


def test_filter_columns_read_in_bulk_match_whoosh_column_readers():
    """Filter columns of every kind (numbers are decoded in bulk) give each
    document the value whoosh's own column reader gives, documents without
    a value (the stored column ends early) included."""
    kinds = {"flag": "bool", "number": "int", "ratio": "float", "day": "date"}
    columns = {
        name: FilterColumn(name, kind, multi=False) for name, kind in kinds.items()
    }
    columns["label"] = FilterColumn("label", "str", multi=False)
    index = RamStorage().create_index(
        whoosh_fields.Schema(**{name: c.whoosh_field() for name, c in columns.items()})
    )
    rng = random.Random(11)
    writer = index.writer(codec=QuorumCodec())
    for number in range(300):
        values = {
            "flag": rng.random() < 0.5,
            "number": rng.randint(-(2**62), 2**62),
            "ratio": rng.uniform(-1e6, 1e6),
            "day": datetime.date(2000, 1, 1) + datetime.timedelta(days=number),
            "label": rng.choice(["minutes", "agenda", "record"]),
        }
        # Some documents lack some values; the last ones lack them all.
        writer.add_document(
            **{
                name: columns[name].to_index(value)
                for name, value in values.items()
                if number < 250 and rng.random() < 0.8
            }
        )
    writer.commit()
    with index.reader() as reader:
        for name in columns:
            column = SegmentCache().column(reader, name)
            expected = list(reader.column_reader(name))
            assert column.labels == sorted(set(expected)), name
            assert [column.labels[code] for code in column.codes] == expected, name


def test_fuzzy_words_are_left_to_whoosh():
    index, _content = _segmented_corpus(random.Random(3))
    translator = QueryTranslator(CORPUS_COLUMNS)
    with index.searcher() as searcher:
        with pytest.raises(Unsupported):
            rank(searcher, translator.translate(Fuzzy("w12")), None, 10, SegmentCache())


CORPUS_WORDS = [f"w{n}" for n in range(40)]
CORPUS_COLUMNS = [TextColumn("t__title", 3.0), TextColumn("t__body", 1.0)]


def _segmented_corpus(rng, codec=None):
    """Three segments of random documents, 60 of them deleted: the index and
    each remaining document's words by number."""
    index = RamStorage().create_index(
        whoosh_fields.Schema(
            m__id=whoosh_fields.ID(stored=True, unique=True),
            m__null=whoosh_fields.KEYWORD(),
            f__n=whoosh_fields.NUMERIC(int, 64, shift_step=8, sortable=True),
            t__title=whoosh_fields.TEXT(analyzer=text_analyzer()),
            t__body=whoosh_fields.TEXT(analyzer=text_analyzer()),
        )
    )
    content = {}
    for first in (0, 200, 400):
        writer = index.writer(codec=codec)
        for number in range(first, first + 200):
            title = rng.choices(CORPUS_WORDS, k=3)
            body = rng.choices(CORPUS_WORDS, k=rng.randint(5, 60))
            content[number] = set(title + body)
            # One document in ten has no value.
            value = {} if number % 10 == 9 else {"f__n": number % 10}
            writer.add_document(
                m__id=str(number),
                m__null="" if value else "f__n",
                t__title=" ".join(title),
                t__body=" ".join(body),
                **value,
            )
        writer.commit(merge=False)
    writer = index.writer()
    for number in rng.sample(sorted(content), 60):
        writer.delete_by_term("m__id", str(number))
        del content[number]
    writer.commit(merge=False)
    return index, content


def _random_query(rng):
    def words(low=1, high=3):
        return " ".join(rng.sample(CORPUS_WORDS, rng.randint(low, high)))

    choice = rng.randrange(9)
    if choice == 0:
        return PlainText(words(), operator=rng.choice(["and", "or"]))
    if choice == 1:
        return PlainText(words()) | Boost(PlainText(words()), 2)
    if choice == 2:
        return PlainText(words(), operator="or") & Not(PlainText(words()))
    if choice == 3:
        return And([PlainText(words(), operator="or"), PlainText(words())])
    if choice == 4:
        return Phrase(words(2, 3)) | Boost(Phrase(words(2, 2)), 3)
    if choice == 5:
        # "w1*" expands to w1, w10..w19 (several terms), "w39*" to one.
        return Boost(PlainText(f"{rng.choice(CORPUS_WORDS)}*"), 2) | PlainText(words())
    if choice == 6:
        return PlainText(words()) | MATCH_ALL
    if choice == 7:
        return Phrase(words(2, 2)) & Not(PlainText(f"{rng.choice(CORPUS_WORDS)}*"))
    return Or([PlainText(words(), operator="or"), Boost(PlainText(words()), 0.5)])


def _below_five(searcher, cache) -> AllowedDocuments:
    below_five = lookup_query(FilterColumn("f__n", "int", multi=False), "lt", 5)
    return AllowedDocuments(
        [
            (offset, filter_mask(below_five, leaf, leaf.reader(), cache))
            for leaf, offset in searcher.leaf_searchers()
        ]
    )


def _exhaustive(searcher, scored, allowed) -> list[tuple[float, int]]:
    """Every match scored by whoosh's matchers, best first."""
    everything = _collector(None, None, allowed)
    searcher.search_with_collector(scored, everything)
    return sorted(everything.results().top_n, key=lambda hit: (-hit[0], hit[1]))


def _found(ranked, searcher) -> list[int]:
    return sorted(
        docnum + offset
        for (_reader, local), (_leaf, offset) in zip(
            ranked.matches, searcher.leaf_searchers(), strict=True
        )
        for docnum in local.tolist()
    )


# Suggestions and snippets


def test_spelling_suggestions_come_only_from_allowed_documents(corpus):
    anonymous = Document.objects.visible_to(AnonymousUser())
    clerk = Document.objects.visible_to(UserFactory(roles=[Role.CLERK]))
    suggest = get_search_backend().suggest

    assert suggest(anonymous, "budgit hearng")[0] == "budget hearing"
    # "appraisal" occurs only in the confidential document.
    assert "appraisal" not in " ".join(suggest(anonymous, "apraisal"))
    assert suggest(clerk, "apraisal")[0] == "appraisal"
    assert suggest(clerk, "appraisal") == []
    assert suggest(Minutes, "Quorm") == ["Quorum"]


def test_snippets_mark_matched_words_and_escape_the_rest(corpus):
    highlight = get_search_backend().highlight
    body = "<b>Budgets</b> for parks & trails: the parks budget grew. " * 2

    snippet = highlight(body, "budget trail*")

    assert "<mark>Budgets</mark>" in snippet and "<mark>trails</mark>" in snippet
    assert "&lt;b&gt;" in snippet and "<b>" not in snippet
    assert highlight("Nothing to see here.", "budget") == "Nothing to see here."
    assert highlight(body, Not(PlainText("budget"))).count("<mark>") == 0
