"""Full rebuilds of the whoosh index (search.backends.whoosh_rebuild): the
index-time analysis agrees with the analyzers queries use, the segments come
out as whoosh's own writer makes them, and worker processes share the work
without giving up the rebuild's guarantees."""

from __future__ import annotations

import datetime
import random
from collections import Counter, defaultdict

import pytest
from modelsearch.backends import get_search_backend
from modelsearch.query import MATCH_ALL, Phrase
from whoosh import index as whoosh_index
from whoosh.filedb.compound import CompoundStorage
from whoosh.filedb.filestore import FileStorage

from search.backends import whoosh_rebuild
from search.backends.whoosh_codec import QuorumCodec
from search.backends.whoosh_mapping import (
    autocomplete_analyzer,
    mapping_for,
    prefix_terms,
    spelling_analyzer,
    text_analyzer,
    text_terms,
    vocabulary_analyzer,
)
from search.backends.whoosh_rebuild import RebuildFailed, SegmentBuilder
from search.backends.whoosh_storage import _SegmentWriter
from search.models import SearchDocument
from tests.searchapp.models import Document

AWKWARD = [
    "",
    "   \n\t ",
    "The the THE a an of to in",
    "Müller's café in Zürich; naïve résumé, façade, Ærø and straße",
    "İstanbul ΟΔΟΣ ΣΑΣ'Β Ｆｕｌｌ-width ﬁne ﬀ ǅ",
    "Version 1.11 of bylaw 2024-17, e.g. section 3.2.1 (i.e. the annex).",
    "a..b a.b. .. x.y.z 3.14.15 .5 5. __init__ snake_case",
    "don't won't co-op re-use hearing's council’s “quoted” — dash",
    "Running runners ran; hearings heard HEARING, hearing",
    "x y z 1 2 3 42 007 1e10",
    "averyveryverylongwordthatexceedstwentycharacters and short",
]
WORDS = [
    "the", "Council", "council", "Müller", "e.g.", "1.11", "don't", "re-use",
    "a", "I", "İ", "ﬀ", "naïve", "Ａ", "résumé", "of", "hearing's", "x", "42",
    "ß", "ΣΑΣ", "co-op", "..", "a.", ".b", "budgets", "zoning", "2024",
]  # fmt: skip


def varied_texts(count=300):
    rng = random.Random(2026)
    texts = list(AWKWARD)
    for _ in range(count):
        words = [rng.choice(WORDS) for _ in range(rng.randint(0, 40))]
        texts.append(rng.choice([" ", "\n", ", ", "-"]).join(words))
    return texts


# Analysis


@pytest.mark.parametrize("text", varied_texts())
def test_text_terms_are_the_text_analyzers(text):
    """GIVEN any text
    WHEN it is analysed for indexing without Token objects
    THEN it gives the terms, positions and length text_analyzer() gives
    (queries go through the analyzer, so both must agree)."""
    positions, length = defaultdict(list), 0
    for token in text_analyzer()(text, positions=True, mode="index"):
        positions[token.text].append(token.pos)
        length += 1

    assert text_terms()(text) == (dict(positions), length)


@pytest.mark.parametrize("text", varied_texts(100))
def test_prefix_and_spelling_terms_are_their_analyzers(text):
    grams = Counter(token.text for token in autocomplete_analyzer()(text, mode="index"))
    assert prefix_terms()(text) == (dict(grams), sum(grams.values()))

    spelled = {token.text for token in spelling_analyzer()(text)}
    assert vocabulary_analyzer().words(text) == spelled


# Segments


def search_documents(count):
    """SearchDocument index documents (never saved: no database needed)."""
    rng = random.Random(7)
    mapping = mapping_for(SearchDocument)
    documents = []
    for number in range(1, count + 1):
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 120)))
        source = SearchDocument(
            pk=number,
            kind=rng.choice(["record", "meeting", "item"]),
            source_type_id=1,
            source_id=str(number % 7),
            variant=rng.choice(["", "full"]),
            title=f"{rng.choice(WORDS)} report {number}",
            context=rng.choice(["", "City Council · 3 May 2024"]),
            text=rng.choice(AWKWARD) + " " + text,
            url=f"/r/{number}",
            body_id=rng.choice([None, 1, 2]),
            date=rng.choice([None, datetime.date(2024, 5, number % 28 + 1)]),
            year=rng.choice([None, 2023, 2024]),
            visibility="public",
        )
        documents.append(mapping.document(source))
    return mapping.schema, documents


def segment_files(folder):
    """The files inside the one compound segment of the index in `folder`."""
    storage = FileStorage(str(folder))
    (name,) = [name for name in storage.list() if name.endswith(".seg")]
    inside = CompoundStorage(storage.open_file(name))
    return {name.split(".", 1)[1]: inside.open_file(name).read() for name in inside}


@pytest.mark.parametrize("limitmb", [64, 0.05], ids=["in memory", "spilled"])
def test_a_built_segment_is_what_whooshs_writer_writes(tmp_path, limitmb):
    """GIVEN the same documents
    WHEN whoosh's SegmentWriter and SegmentBuilder each write a segment
    (the builder also with a pool so small that it sorts into many runs)
    THEN every file of the two segments is the same, byte for byte."""
    schema, documents = search_documents(160)
    written = {}
    for how in ("whoosh", "builder"):
        folder = tmp_path / how
        folder.mkdir()
        ix = FileStorage(str(folder)).create_index(schema)
        if how == "whoosh":
            writer = _SegmentWriter(ix, _lk=False, codec=QuorumCodec())
            for document in documents:
                writer.add_document(**document)
            writer.commit()
        else:
            builder = SegmentBuilder(
                ix.storage,
                ix.indexname,
                schema,
                tempdir=folder / "pool",
                limitmb=limitmb,
                codec=QuorumCodec(),
            )
            builder.add_documents(documents)
            runs = len(builder.pool.runs)
            segment = builder.finish()
            whoosh_index.TOC(schema, [segment], 1).write(ix.storage, ix.indexname)
            assert not (folder / "pool").exists()
        written[how] = segment_files(folder)

    assert (runs > 3) == (limitmb < 1)
    assert written["builder"] == written["whoosh"]


# Rebuilds with worker processes


@pytest.fixture
def parallel(settings, tmp_path, monkeypatch):
    """The default backend, rebuilding with two workers from 20 documents."""
    settings.WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": "search.backends.whoosh",
            "PATH": str(tmp_path / "search-index"),
            "REBUILD_PROCESSES": 2,
        }
    }
    monkeypatch.setattr(whoosh_rebuild, "IN_PROCESS_LIMIT", 20)
    monkeypatch.setattr(whoosh_rebuild, "BATCH", 7)
    monkeypatch.setattr(whoosh_rebuild, "POLL_SECONDS", 0.05)
    backend = get_search_backend()
    yield backend
    backend.close()


def titles(results):
    return sorted(result.title for result in results)


@pytest.mark.django_db
def test_a_large_rebuild_is_written_by_workers_as_one_segment_each(parallel):
    """GIVEN more documents than a rebuild writes in process
    WHEN the index is rebuilt
    THEN two workers write a segment each, in a new generation that replaces
    the old, and searches (phrases too) find documents in both segments."""
    Document.objects.bulk_create(
        Document(title=f"Harbour dredging report {number}", body="tidal basin")
        for number in range(60)
    )
    Document.objects.create(title="Ferry timetable", body="the tidal basin ferry")
    parallel.rebuild_index([Document])  # in place of the empty first build
    heartbeats = []
    store = parallel.store(Document)
    generation = whoosh_index.FileIndex(
        FileStorage(str(store.path))
    ).latest_generation()
    original = store.heartbeat
    store.heartbeat = lambda directory=None: heartbeats.append(1) or original(directory)

    assert parallel.rebuild_index([Document]) == 61

    ix = whoosh_index.FileIndex(FileStorage(str(store.path)))
    assert ix.latest_generation() == generation + 1
    assert sorted(segment.doc_count() for segment in ix._segments()) == [28, 33]
    assert heartbeats
    assert Document.objects.search(MATCH_ALL).count() == 61
    assert titles(Document.objects.search(Phrase("basin ferry"))) == ["Ferry timetable"]
    assert Document.objects.search("dredging report 59").count() == 1
    assert not list(store.path.glob("*.rebuild")) and not list(store.path.glob("*.tmp"))
    assert store.health().healthy


@pytest.mark.django_db
def test_a_failing_worker_fails_the_rebuild_and_leaves_the_index(parallel):
    """GIVEN a sound index
    WHEN a worker fails during a rebuild
    THEN the rebuild raises, the segments written so far are removed, and
    the index answers as before."""
    store, before, rebuilder, writer = _rebuild_under_way(
        parallel, "Snow removal route"
    )
    writer.add_documents([{"m__id": "x", "f__pages": "not a number"}])

    with pytest.raises(RebuildFailed, match="not a number"):
        rebuilder.finish()

    assert sorted(path.name for path in store.path.iterdir()) == before
    assert Document.objects.search("snow").count() == 40
    assert all(not worker.alive() for worker in writer._workers) or not writer._workers
    assert store.lock_holder() == ""


@pytest.mark.django_db
def test_an_aborted_rebuild_stops_its_workers_and_removes_its_files(parallel):
    store, before, rebuilder, writer = _rebuild_under_way(parallel, "Library hours")
    workers = [worker.process for worker in writer._workers]
    assert len(workers) == 2

    rebuilder.abort()

    assert all(not process.is_alive() for process in workers)
    assert sorted(path.name for path in store.path.iterdir()) == before
    assert Document.objects.search("library").count() == 40
    assert store.lock_holder() == ""


def _rebuild_under_way(backend, title: str):
    """40 indexed documents, then a rebuild with all of them handed to its
    workers: the store, its files before, the rebuilder and its writer."""
    Document.objects.bulk_create(
        Document(title=f"{title} {number}") for number in range(40)
    )
    backend.rebuild_index([Document])
    store = backend.store(Document)
    before = sorted(path.name for path in store.path.iterdir())
    rebuilder = backend.rebuilder_class(backend.get_index_for_model(Document))
    target = rebuilder.start()
    target.add_items(Document, list(Document.objects.all()))
    return store, before, rebuilder, target._rebuild[1]
