"""Benchmark search at city scale: the whoosh backend against SQLite FTS5.

Run: ``.venv/bin/python bench/bench_search.py`` (``make bench-search``);
``BENCH_SEARCH_RECORDS=20000 make bench-search`` for a quick run.

Builds (once; cached while its parameters match, ``--regenerate`` forces it)
a synthetic city in its own SQLite database, ``var/bench-search/bench.sqlite3``
(`bench/synthetic_city.py`: 200,000 records of ~600 words, 2,000 meetings,
20,000 agenda items, 10,000 votes; mostly public, some internal, some
confidential), then measures in the same run, both engines on the same
database and the same queries:

* a full rebuild of each index (documents/s, size on disk), with the peak
  anonymous memory (RssAnon) of this process and its workers during the
  whoosh rebuild;
* latency (p50/p95/p99) of `search.selectors.search` -- visibility filter,
  ranking, a page of 10, kind/year/body facets, spelling suggestion when few
  results, snippets of the page -- over a deterministic mix of queries (common
  and rare words, AND, phrases, OR, NOT, prefixes, typos, filters, sorts,
  later pages), each as an anonymous visitor and as a council member, after a
  warm-up, alternating the engines query by query;
* the time from saving a `SearchDocument` (the index update runs at once:
  django_tasks' ImmediateBackend) until a search finds it.

Prints every figure with PASS/FAIL against its target; exits 0 unless
``--strict`` is given and a target is missed. Never touches the development
database or var/search-index.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import io
import json
import logging
import os
import pstats
import random
import shutil
import statistics
import string
import subprocess
import sys
import threading
import time
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.django_setup import configure_django as bench_django  # noqa: E402
from bench.machine import machine  # noqa: E402
from bench.synthetic_city import (  # noqa: E402
    MEMBER_USERNAME,
    PHRASES,
    STREET_TYPES,
    CityParameters,
    generate_city,
    source_key,
    vocabulary,
)

BENCH_DIR = ROOT / "var" / "bench-search"
DB_PATH = BENCH_DIR / "bench.sqlite3"
WHOOSH_PATH = BENCH_DIR / "whoosh-index"
CITY_FILE = BENCH_DIR / "city.json"

WHOOSH = {"BACKEND": "search.backends.whoosh", "PATH": str(WHOOSH_PATH)}
FTS5 = {"BACKEND": "modelsearch.backends.database"}
BACKENDS = {"whoosh": WHOOSH, "fts5": FTS5}

# Targets.
MIN_BUILD_RATE = 300.0  # documents/s, whoosh rebuild
MAX_BUILD_RSS_MB = 1024.0  # peak RssAnon during the whoosh rebuild
MAX_P95_MS = 50.0  # whoosh p95 with facets and snippets
MAX_P95_RATIO = 1.5  # whoosh p95 / FTS5 p95
MAX_FRESH_S = 2.0  # save -> findable

QUERIES = 600
WARM_UP = 40
# modelsearch's SQLite backend scores every match with a correlated FTS5
# subquery (quadratic in the matches): at city scale a common word takes
# minutes, so FTS5 runs a sample of the queries, each interrupted at a deadline.
FTS5_EVERY = 4
FTS5_DEADLINE = 2.0
PROBES = 10
FTS5_PROBES = 3  # each save re-normalises every FTS5 entry: slow at scale
FRESH_GIVE_UP_S = 30.0
CHUNK = 1000

# Queries per kind in the mix (scaled to --queries).
MIX = {
    "common word": 90,
    "rare word": 90,
    "two words": 70,
    "three words": 50,
    "phrase": 80,
    "OR": 50,
    "NOT": 50,
    "prefix*": 50,
    "typo": 40,
    "filters only": 30,
}


# Django, on the benchmark's own database


def search_backends(default: str) -> dict:
    """Both engines configured; saves update only `default`."""
    return {
        "default": BACKENDS[default],
        "whoosh": {**WHOOSH, "AUTO_UPDATE": False},
        "fts5": {**FTS5, "AUTO_UPDATE": False},
    }


def configure_django() -> None:
    bench_django(
        DB_PATH, log_level="WARNING", WAGTAILSEARCH_BACKENDS=search_backends("whoosh")
    )


@contextmanager
def default_backend(name: str):
    """Make `name` the engine `search.selectors` (and saves) use."""
    from django.conf import settings

    previous = settings.WAGTAILSEARCH_BACKENDS
    settings.WAGTAILSEARCH_BACKENDS = search_backends(name)
    try:
        yield
    finally:
        settings.WAGTAILSEARCH_BACKENDS = previous


# The city, generated once per parameters


def schema_fingerprint() -> str:
    """Changes with any of Quorum's migrations, so that a city cached on an
    older schema is generated again."""
    digest = hashlib.sha256()
    for path in sorted(ROOT.glob("*/migrations/0*.py")):
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def city_is_cached(params: CityParameters) -> bool:
    try:
        cached = json.loads(CITY_FILE.read_text())
    except (OSError, ValueError):
        return False
    return (
        cached.get("parameters") == params.as_dict()
        and cached.get("schema") == schema_fingerprint()
        and DB_PATH.exists()
    )


def ensure_city(params: CityParameters, regenerate: bool) -> dict:
    if regenerate or not city_is_cached(params):
        for path in BENCH_DIR.glob("bench.sqlite3*"):
            path.unlink()
        CITY_FILE.unlink(missing_ok=True)
        shutil.rmtree(WHOOSH_PATH, ignore_errors=True)
        BENCH_DIR.mkdir(parents=True, exist_ok=True)
        print(f"generating the city ({params.records:,} records) into {DB_PATH}")
        subprocess.run(
            [sys.executable, __file__, "--generate", "--records", str(params.records)],
            check=True,
        )
        city = json.loads(CITY_FILE.read_text())
        city["cached"] = False
        return city
    city = json.loads(CITY_FILE.read_text())
    city["cached"] = True
    return city


def generate(params: CityParameters) -> None:
    """Child process: migrate the empty benchmark database and fill it."""
    from django.core.management import call_command

    start = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    migrated = time.perf_counter()
    counts = generate_city(params, progress=lambda line: print(line, flush=True))
    done = time.perf_counter()
    CITY_FILE.write_text(
        json.dumps(
            {
                "parameters": params.as_dict(),
                "schema": schema_fingerprint(),
                "counts": counts,
                "migrate_s": round(migrated - start, 1),
                "generate_s": round(done - migrated, 1),
            },
            indent=2,
        )
    )
    print(f"generated in {done - migrated:.0f} s (migrations {migrated - start:.0f} s)")


# Memory and progress


def rss_anon_mb() -> float:
    """RssAnon of this process and its children (the rebuild's workers)."""
    return sum(_rss_anon_kb(pid) for pid in [os.getpid(), *_descendants()]) / 1024


def _rss_anon_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("RssAnon:"):
                return int(line.split()[1])
    except OSError:  # gone meanwhile
        pass
    return 0


def _descendants(pid: int | None = None) -> list[int]:
    found = []
    for children in Path(f"/proc/{pid or os.getpid()}/task").glob("*/children"):
        try:
            found += [int(child) for child in children.read_text().split()]
        except OSError:
            continue
    return found + [grandchild for child in found for grandchild in _descendants(child)]


class MemorySampler(threading.Thread):
    """Samples RssAnon every 50 ms, keeps the peak, and every `every`
    seconds calls `report(current_mb, peak_mb)`."""

    def __init__(self, report=None, every: float = 15.0):
        super().__init__(daemon=True)
        self.report = report
        self.every = every
        self.peak = rss_anon_mb()
        self._stop_event = threading.Event()

    def run(self) -> None:
        last = time.monotonic()
        while not self._stop_event.wait(0.05):
            current = rss_anon_mb()
            self.peak = max(self.peak, current)
            if self.report and time.monotonic() - last >= self.every:
                last = time.monotonic()
                self.report(current, self.peak)

    def stop(self) -> float:
        self._stop_event.set()
        self.join()
        self.peak = max(self.peak, rss_anon_mb())
        return self.peak


def directory_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


def fts5_mb() -> float:
    """Pages of modelsearch's index entries and their FTS5 tables."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT SUM(pgsize) FROM dbstat WHERE name LIKE '%indexentry%'")
        return (cursor.fetchone()[0] or 0) / 2**20


# Building the indexes


@dataclass
class Build:
    documents: int
    seconds: float
    size_mb: float
    peak_rss_mb: float = 0.0
    baseline_rss_mb: float = 0.0
    reading_s: float = 0.0  # whoosh: until the last chunk was read
    reset_s: float = 0.0  # FTS5: emptying the previous index

    @property
    def rate(self) -> float:
        return self.documents / self.seconds


def build_whoosh(total: int) -> Build:
    """A full rebuild through `WhooshSearchBackend.rebuild_index`."""
    from django.db import connection
    from modelsearch.backends import get_search_backend

    from search.models import SearchDocument

    shutil.rmtree(WHOOSH_PATH, ignore_errors=True)
    backend = get_search_backend("whoosh")
    chunks = {"read": 0, "last": 0.0}

    def count_chunks(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if 'FROM "search_searchdocument"' in sql and "LIMIT" in sql:
            chunks["read"] += 1
            chunks["last"] = time.perf_counter()
        return result

    start = time.perf_counter()

    def report(current: float, peak: float) -> None:
        read = min(chunks["read"] * CHUNK, total)
        elapsed = time.perf_counter() - start
        stage = "committing" if chunks["read"] * CHUNK > total else "indexing"
        print(
            f"  whoosh {stage}: {read:,} / {total:,} documents read, "
            f"{read / elapsed:,.0f}/s, RssAnon {current:,.0f} MB "
            f"(peak {peak:,.0f} MB), {elapsed:,.0f} s",
            flush=True,
        )

    baseline = rss_anon_mb()
    sampler = MemorySampler(report)
    sampler.start()
    start = time.perf_counter()
    with connection.execute_wrapper(count_chunks):
        written = backend.rebuild_index([SearchDocument], chunk_size=CHUNK)
    seconds = time.perf_counter() - start
    peak = sampler.stop()
    return Build(
        documents=written,
        seconds=seconds,
        size_mb=directory_mb(WHOOSH_PATH),
        peak_rss_mb=peak,
        baseline_rss_mb=baseline,
        reading_s=chunks["last"] - start,
    )


def build_fts5(total: int) -> Build:
    """A full rebuild as modelsearch's ``rebuild_modelsearch_index`` does it
    with ``ATOMIC_REBUILD: False``, into an emptied index. (Its default, one
    transaction, slows from ~600 to ~60 documents/s as the transaction
    grows; the index searched is the same either way.)"""
    from modelsearch.backends import get_search_backend
    from modelsearch.backends.database.sqlite.sqlite import (
        SQLiteSearchBackend,
        SQLiteSearchRebuilder,
    )

    from search.backends.whoosh import keyset_chunks
    from search.models import SearchDocument

    backend = get_search_backend("fts5")
    if not isinstance(backend, SQLiteSearchBackend):
        raise SystemExit(f"FTS5 is not available here: got {type(backend).__name__}")
    index = backend.get_index_for_model(SearchDocument)
    reset_start = time.perf_counter()
    index.reset()
    start = time.perf_counter()
    baseline = rss_anon_mb()
    sampler = MemorySampler()
    sampler.start()
    rebuilder = SQLiteSearchRebuilder(index)
    target = rebuilder.start()
    target.add_model(SearchDocument)
    written, next_report = 0, start + 15
    for chunk in keyset_chunks(SearchDocument.get_indexed_objects(), CHUNK):
        target.add_items(SearchDocument, chunk)
        written += len(chunk)
        if time.perf_counter() >= next_report:
            next_report += 15
            elapsed = time.perf_counter() - start
            print(
                f"  FTS5 indexing: {written:,} / {total:,} documents, "
                f"{written / elapsed:,.0f}/s, {elapsed:,.0f} s",
                flush=True,
            )
    rebuilder.finish()
    seconds = time.perf_counter() - start
    return Build(
        documents=written,
        seconds=seconds,
        size_mb=fts5_mb(),
        peak_rss_mb=sampler.stop(),
        baseline_rss_mb=baseline,
        reset_s=start - reset_start,
    )


# The queries


@dataclass(frozen=True)
class Query:
    kind: str
    text: str = ""
    filters: tuple = ()  # (("kind", "record"), ("year", 2019), ...)
    sort: str = "relevance"
    page: int = 1

    def request(self):
        from search.selectors import SearchRequest

        return SearchRequest(
            text=self.text, sort=self.sort, page=self.page, **dict(self.filters)
        )

    def __str__(self) -> str:
        extras = [f"{k}={v}" for k, v in self.filters]
        if self.sort != "relevance":
            extras.append(self.sort)
        if self.page != 1:
            extras.append(f"page {self.page}")
        return f"{self.text!r} {' '.join(extras)}".strip()


class QueryMaker:
    """Deterministic queries from the city's vocabulary by frequency band:
    common words occur in about half of the records, medium ones in 1-10%,
    rare ones in 0.1-0.3%."""

    def __init__(self, seed: int, body_ids: list[int]):
        self.rng = random.Random(seed)
        self.vocab = vocabulary(CityParameters().seed)
        first = self.vocab.first_content_rank
        words = self.vocab.words
        self.common = words[first : first + 150]
        self.medium = words[first + 500 : first + 5_000]
        self.rare = words[first + 20_000 :]
        self.body_ids = body_ids

    def make(self, kind: str) -> Query:
        text = getattr(self, "_" + kind.replace(" ", "_").replace("*", ""))()
        if kind == "filters only":
            filters = self._filters(always=True)
        else:
            filters = self._filters(always=False)
        sort, page = self._sort_and_page()
        return Query(kind, text, filters, sort, page)

    def _filters(self, *, always: bool) -> tuple:
        rng = self.rng
        if not always and rng.random() >= 0.4:
            return ()
        choice = rng.randrange(4)
        kind = rng.choices(("record", "item", "vote", "meeting"), (40, 25, 20, 15))[0]
        year = rng.randint(2012, 2025)
        if choice == 0:
            return (("kind", kind),)
        if choice == 1:
            return (("year", year),)
        if choice == 2:
            return (("body", rng.choice(self.body_ids)),)
        return (("kind", kind), ("year", year))

    def _sort_and_page(self) -> tuple[str, int]:
        rng = self.rng
        sort = rng.choices(("relevance", "newest", "oldest"), (85, 10, 5))[0]
        page = rng.choices((1, 2, 5), (87, 10, 3))[0]
        return sort, page

    def _common_word(self) -> str:
        return self.rng.choice(self.common)

    def _rare_word(self) -> str:
        return self.rng.choice(self.rare)

    def _two_words(self) -> str:
        return f"{self.rng.choice(self.common)} {self.rng.choice(self.medium)}"

    def _three_words(self) -> str:
        rng = self.rng
        pool = rng.choice((self.rare, self.medium))
        return f"{rng.choice(self.common)} {rng.choice(self.medium)} {rng.choice(pool)}"

    def _phrase(self) -> str:
        rng = self.rng
        if rng.random() < 0.6:
            return f'"{rng.choice(PHRASES)}"'
        return f'"{rng.choice(self.vocab.streets)} {rng.choice(STREET_TYPES)}"'

    def _OR(self) -> str:
        rng = self.rng
        if rng.random() < 0.5:
            return f"{rng.choice(self.medium)} OR {rng.choice(self.medium)}"
        rare, medium = self.rare, self.medium
        return f"{rng.choice(rare)} OR {rng.choice(rare)} OR {rng.choice(medium)}"

    def _NOT(self) -> str:
        rng = self.rng
        if rng.random() < 0.5:
            return f"{rng.choice(self.common)} -{rng.choice(self.common)}"
        return f"{rng.choice(self.medium)} NOT {rng.choice(self.common)}"

    def _prefix(self) -> str:
        word = self.rng.choice(self.rng.choice((self.common, self.medium)))
        return word[: max(3, min(len(word) - 1, self.rng.randint(4, 6)))] + "*"

    def _typo(self) -> str:
        rng = self.rng
        word = rng.choice([w for w in self.medium[:400] if len(w) >= 6])
        at = rng.randrange(1, len(word) - 2)
        typo = word[:at] + word[at + 1] + word[at] + word[at + 2 :]
        return f"{rng.choice(self.common)} {typo}" if rng.random() < 0.5 else typo

    def _filters_only(self) -> str:
        return ""


def query_mix(count: int, seed: int, body_ids: list[int], seen=None) -> list[Query]:
    """`count` queries in the proportions of MIX, shuffled; no two (nor any
    in `seen`, which is updated) search the same text with the same filters
    and order, so that the backend's cache of rankings does not answer them
    (a later page of one search may)."""
    maker = QueryMaker(seed, body_ids)
    seen = set() if seen is None else seen
    scale = count / sum(MIX.values())
    queries = []
    for kind, share in MIX.items():
        for _ in range(max(1, round(share * scale))):
            query = maker.make(kind)
            while (query.text, query.filters, query.sort) in seen:
                query = maker.make(kind)
            seen.add((query.text, query.filters, query.sort))
            queries.append(query)
    random.Random(seed).shuffle(queries)
    return queries


# Timing the queries


class EngineFailures(logging.Handler):
    """Counts what `search.selectors` logs when an engine fails and the
    database answers instead, per engine, so the output stays a table."""

    def __init__(self):
        super().__init__()
        self.errors: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))

    def emit(self, record: logging.LogRecord) -> None:
        from django.conf import settings

        default = settings.WAGTAILSEARCH_BACKENDS["default"]
        engine = "whoosh" if default is WHOOSH else "fts5"
        error = record.exc_info[1] if record.exc_info else record.getMessage()
        if "interrupted" in str(error):
            return  # the deadline, counted as a timeout
        self.errors[engine][f"{type(error).__name__}: {str(error)[:100]}"] += 1

    @contextmanager
    def collecting(self):
        logger = logging.getLogger("search.selectors")
        logger.addHandler(self)
        logger.propagate = False
        try:
            yield self
        finally:
            logger.removeHandler(self)
            logger.propagate = True


@dataclass
class Timings:
    seconds: list[float] = field(default_factory=list)
    by_kind: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    by_user: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    totals: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    degraded: int = 0
    suggestions: int = 0
    timeouts: int = 0

    def add(self, query: Query, user: str, seconds: float, outcome) -> None:
        self.seconds.append(seconds)
        self.by_kind[query.kind].append(seconds)
        self.by_user[user].append(seconds)
        if outcome is None:
            self.timeouts += 1
            return
        self.totals[query.kind].append(outcome.total)
        self.degraded += outcome.degraded
        self.suggestions += bool(outcome.suggestion)


def percentiles(seconds: list[float]) -> tuple[float, float, float]:
    """p50, p95, p99 in milliseconds."""
    if len(seconds) < 2:
        value = seconds[0] * 1000 if seconds else 0.0
        return value, value, value
    cuts = statistics.quantiles(seconds, n=100, method="inclusive")
    return cuts[49] * 1000, cuts[94] * 1000, cuts[98] * 1000


def users():
    """The anonymous visitor, and the council member (loaded afresh for each
    query, as a request does, so their roles and seats are looked up)."""
    from django.contrib.auth.models import AnonymousUser, User

    member_pk = User.objects.get(username=MEMBER_USERNAME).pk
    return {
        "anonymous": AnonymousUser,
        "member": lambda: User.objects.get(pk=member_pk),
    }


def run_queries(
    queries, *, fts5_every: int, deadline: float, progress: bool, profile=None
):
    """Each query as each user on whoosh, and every `fts5_every`-th query on
    FTS5 too (alternating which engine goes first), FTS5 queries being
    interrupted after `deadline` seconds; returns Timings per engine, and
    for whoosh on the queries FTS5 also ran ("whoosh, FTS5 sample")."""
    timings = {name: Timings() for name in ("whoosh", "fts5", SAMPLE)}
    people = users()
    start = time.perf_counter()
    for number, query in enumerate(queries):
        request = query.request()
        engines = ("whoosh", "fts5") if number % fts5_every == 0 else ("whoosh",)
        for user_name, load_user in people.items():
            for engine in engines if number % 2 else engines[::-1]:
                elapsed, outcome = timed_search(
                    engine,
                    load_user(),
                    request,
                    deadline=deadline if engine == "fts5" else None,
                    profile=profile if engine == "whoosh" else None,
                )
                timings[engine].add(query, user_name, elapsed, outcome)
                if engine == "whoosh" and len(engines) == 2:
                    timings[SAMPLE].add(query, user_name, elapsed, outcome)
        if progress and (number + 1) % 50 == 0:
            print(
                f"  {number + 1} / {len(queries)} queries, "
                f"{time.perf_counter() - start:,.0f} s",
                flush=True,
            )
    return timings


SAMPLE = "whoosh, FTS5 sample"


def timed_search(engine: str, user, request, *, deadline=None, profile=None):
    """Seconds `search` took on `engine`, and its outcome (None when the
    deadline interrupted it)."""
    from django.db import OperationalError

    from search.selectors import search

    with default_backend(engine), interrupted_after(deadline):
        if profile is not None:
            profile.enable()
        began = time.perf_counter()
        try:
            outcome = search(user, request)
        except OperationalError:
            if deadline is None:
                raise
            outcome = None
        elapsed = time.perf_counter() - began
        if deadline is not None and elapsed >= deadline and outcome is not None:
            # Interrupted, then answered by `search`'s database fallback.
            outcome = outcome if not outcome.degraded else None
        if profile is not None:
            profile.disable()
    return elapsed, outcome


@contextmanager
def interrupted_after(deadline: float | None):
    """SQLite statements of this thread abort once `deadline` seconds have
    passed (sqlite3's progress handler)."""
    if deadline is None:
        yield
        return
    from django.db import connection

    connection.ensure_connection()
    raw = connection.connection
    limit = time.perf_counter() + deadline
    raw.set_progress_handler(lambda: time.perf_counter() > limit, 10_000)
    # An interrupted search is a failed one, for which `search` would queue
    # a rebuild of the index (run at once here): not what is measured.
    try:
        with mock.patch("search.selectors.schedule_index_rebuild"):
            yield
    finally:
        raw.set_progress_handler(None, 0)


# Save -> findable


def freshness(engine: str, probes: int) -> list[float]:
    """Seconds from saving a new public document until an anonymous search
    finds it (infinite if it does not within `FRESH_GIVE_UP_S`), for `probes`
    documents; the probes are deleted afterwards."""
    import datetime

    from django.contrib.auth.models import AnonymousUser

    from records.models import Record
    from search.models import DocumentKind, SearchDocument
    from search.selectors import SearchRequest, search

    rng = random.Random(f"probes-{engine}-{time.time_ns()}")
    seconds, saved = [], []
    with default_backend(engine):
        for _ in range(probes):
            token = "zq" + "".join(rng.choices(string.ascii_lowercase, k=10))
            document = SearchDocument(
                kind=DocumentKind.RECORD,
                **source_key(Record, f"probe-{token}"),
                variant="bench-probe",
                title=f"Freshness probe {token}",
                text=f"A report on the {token} budget, saved to be found.",
                url=f"/records/probe-{token}/",
                date=datetime.date.today(),
                year=datetime.date.today().year,
            )
            began = time.perf_counter()
            document.save()
            saved.append(document)
            found = False
            while not found and time.perf_counter() - began < FRESH_GIVE_UP_S:
                found = bool(search(AnonymousUser(), SearchRequest(text=token)).total)
            seconds.append(time.perf_counter() - began if found else float("inf"))
        for document in saved:
            document.delete()
    return seconds


def remove_leftover_probes() -> None:
    from search.models import SearchDocument

    SearchDocument.objects.filter(variant="bench-probe").delete()


# Reporting


def verdict(passed: bool) -> str:
    return "PASS" if passed else "FAIL"


def print_report(builds, timings, fresh, errors, args) -> list[tuple[str, bool]]:
    whoosh, fts5 = builds["whoosh"], builds["fts5"]
    w50, w95, w99 = percentiles(timings["whoosh"].seconds)
    s50, s95, s99 = percentiles(timings[SAMPLE].seconds)
    f50, f95, f99 = percentiles(timings["fts5"].seconds)
    ratio = s95 / f95 if f95 else float("inf")
    fresh_w, fresh_f = fresh["whoosh"], fresh["fts5"]
    timeouts = timings["fts5"].timeouts
    # Interrupted FTS5 queries count as `deadline`: then its percentiles are
    # lower bounds and the ratio an upper bound.
    bound = "≥ " if timeouts else ""
    checks = [
        (
            f"whoosh rebuild >= {MIN_BUILD_RATE:.0f} documents/s",
            whoosh.rate >= MIN_BUILD_RATE,
        ),
        (
            f"peak RssAnon during the whoosh rebuild <= {MAX_BUILD_RSS_MB:.0f} MB",
            whoosh.peak_rss_mb <= MAX_BUILD_RSS_MB,
        ),
        (f"whoosh p95 <= {MAX_P95_MS:.0f} ms", w95 <= MAX_P95_MS),
        (f"whoosh p95 / FTS5 p95 <= {MAX_P95_RATIO}", ratio <= MAX_P95_RATIO),
        (
            f"save -> findable <= {MAX_FRESH_S:.0f} s (slowest of {len(fresh_w)})",
            max(fresh_w) <= MAX_FRESH_S,
        ),
    ]
    n_all, n_sample = len(timings["whoosh"].seconds), len(timings["fts5"].seconds)
    rows = [
        ("", "whoosh", "FTS5"),
        ("rebuild, documents/s", f"{whoosh.rate:,.0f}", f"{fts5.rate:,.0f}"),
        ("rebuild, time", f"{whoosh.seconds:,.0f} s", f"{fts5.seconds:,.0f} s"),
        (
            "  reading+analysing / final commit",
            f"{whoosh.reading_s:,.0f} / {whoosh.seconds - whoosh.reading_s:,.0f} s",
            f"(emptying it first: {fts5.reset_s:,.0f} s)",
        ),
        ("index size on disk", f"{whoosh.size_mb:,.0f} MB", f"{fts5.size_mb:,.0f} MB"),
        (
            "peak RssAnon during rebuild",
            f"{whoosh.peak_rss_mb:,.0f} MB (before: {whoosh.baseline_rss_mb:,.0f})",
            f"{fts5.peak_rss_mb:,.0f} MB (before: {fts5.baseline_rss_mb:,.0f})",
        ),
        (
            f"searches p50 / p95 / p99, all {n_all}",
            f"{w50:,.0f} / {w95:,.0f} / {w99:,.0f} ms",
            "",
        ),
        (
            f"searches p50 / p95 / p99, FTS5 sample of {n_sample}",
            f"{s50:,.0f} / {s95:,.0f} / {s99:,.0f} ms",
            f"{bound}{f50:,.0f} / {bound}{f95:,.0f} / {bound}{f99:,.0f} ms",
        ),
        (
            f"interrupted after {args.fts5_deadline:g} s",
            "",
            f"{timeouts} of {n_sample}",
        ),
        (
            "answered by the database (engine failed)",
            f"{timings['whoosh'].degraded}",
            f"{timings['fts5'].degraded}",
        ),
        (
            "with a spelling suggestion",
            f"{timings['whoosh'].suggestions}",
            f"{timings['fts5'].suggestions}",
        ),
        (
            "save -> findable, median / max",
            f"{statistics.median(fresh_w):.3f} / {max(fresh_w):.3f} s",
            f"{statistics.median(fresh_f):.3f} / {max(fresh_f):.3f} s",
        ),
    ]
    print()
    _table(rows)
    print()
    print(f"p95 ratio whoosh / FTS5 on the same searches: {ratio:.2f}x")
    if timeouts:
        print(
            "(interrupted FTS5 searches count as the deadline: the ratio is at most "
            "this)"
        )
    print()
    _breakdown(timings)
    for engine, engine_errors in errors.items():
        for error, count in sorted(engine_errors.items()):
            print(f"{engine}: {count} answer(s) from the database after {error}")
    print()
    for label, passed in checks:
        print(f"{verdict(passed)}  {label}")
    return checks


def _table(rows) -> None:
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print(
            "  ".join(
                str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)
            )
        )


def _breakdown(timings) -> None:
    rows = [
        (
            "searches",
            "n",
            "whoosh p50/p95 ms",
            "n",
            "same on whoosh",
            "on FTS5",
            "hits (median)",
        )
    ]
    whoosh, sample, fts5 = timings["whoosh"], timings[SAMPLE], timings["fts5"]
    groups = [
        (kind, whoosh.by_kind[kind], sample.by_kind[kind], fts5.by_kind[kind], kind)
        for kind in MIX
    ]
    groups += [
        (
            f"as {user}",
            whoosh.by_user[user],
            sample.by_user[user],
            fts5.by_user[user],
            "",
        )
        for user in whoosh.by_user
    ]
    for label, w, s, f, kind in groups:
        hits = whoosh.totals.get(kind)
        rows.append(
            (
                label,
                str(len(w)),
                "{:,.0f} / {:,.0f}".format(*percentiles(w)[:2]),
                str(len(f)),
                "{:,.0f} / {:,.0f}".format(*percentiles(s)[:2]) if s else "",
                "{:,.0f} / {:,.0f}".format(*percentiles(f)[:2]) if f else "",
                f"{statistics.median(hits):,.0f}" if hits else "",
            )
        )
    _table(rows)
    print()


def print_profile(profile: cProfile.Profile, records: int) -> None:
    path = BENCH_DIR / f"profile-whoosh-{records}.pstats"
    profile.dump_stats(path)
    for sort in ("cumulative", "tottime"):
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats(sort).print_stats(30)
        print(out.getvalue())
    print(f"profile of the whoosh queries: {path}")


# Main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--records",
        type=int,
        default=int(os.environ.get("BENCH_SEARCH_RECORDS") or 200_000),
        help="records in the city (default 200,000 or $BENCH_SEARCH_RECORDS)",
    )
    parser.add_argument("--queries", type=int, default=QUERIES)
    parser.add_argument(
        "--fts5-every",
        type=int,
        default=FTS5_EVERY,
        help=f"run every n-th query on FTS5 too (default {FTS5_EVERY})",
    )
    parser.add_argument(
        "--fts5-deadline",
        type=float,
        default=FTS5_DEADLINE,
        help=f"interrupt FTS5 searches after this many s (default {FTS5_DEADLINE:g})",
    )
    parser.add_argument(
        "--regenerate", action="store_true", help="rebuild the cached city"
    )
    parser.add_argument(
        "--profile", action="store_true", help="profile the whoosh queries (cProfile)"
    )
    parser.add_argument(
        "--reuse-builds",
        action="store_true",
        help="measure searches on the previous run's indexes, with its build figures",
    )
    parser.add_argument(
        "--strict", action="store_true", help="exit 1 when a target is missed"
    )
    parser.add_argument("--generate", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    params = CityParameters(records=args.records)
    if args.generate:
        configure_django()
        generate(params)
        return 0

    print(f"machine: {machine()}")
    city = ensure_city(params, args.regenerate)
    configure_django()
    results = measure(params, city, args)
    checks = print_report(
        results["builds"],
        results["timings"],
        results["fresh"],
        results["errors"],
        args,
    )
    passed = all(ok for _label, ok in checks)
    print("PASS" if passed else "FAIL")
    save_results(params, results, checks)
    return 1 if args.strict and not passed else 0


def measure(params: CityParameters, city: dict, args) -> dict:
    from council.database import refresh_planner_statistics
    from council.models import Body
    from search.models import SearchDocument

    remove_leftover_probes()
    total = SearchDocument.objects.count()
    counts = ", ".join(f"{n:,} {kind}" for kind, n in city["counts"].items())
    state = "cached" if city["cached"] else f"generated in {city['generate_s']:.0f} s"
    print(f"city: {total:,} documents ({counts}); {state}")

    if args.reuse_builds:
        builds = previous_builds(params, total)
        print("builds: the indexes and build figures of the previous run")
    else:
        print("whoosh: full rebuild")
        builds = {"whoosh": build_whoosh(total)}
        print(f"  {total:,} documents in {builds['whoosh'].seconds:,.0f} s")
        print("FTS5: full rebuild")
        builds["fts5"] = build_fts5(total)
        print(f"  {total:,} documents in {builds['fts5'].seconds:,.0f} s")

    # As the nightly task keeps them in a running Quorum.
    refresh_planner_statistics()
    body_ids = list(Body.objects.order_by("pk").values_list("pk", flat=True))
    seen = set()
    warm_up = query_mix(WARM_UP, params.seed + 1, body_ids, seen)
    queries = query_mix(args.queries, params.seed, body_ids, seen)
    options = {"fts5_every": args.fts5_every, "deadline": args.fts5_deadline}
    print(f"searches: warm-up ({len(warm_up)} queries)")
    with EngineFailures().collecting():
        run_queries(warm_up, progress=False, **options)
    print(
        f"searches: {len(queries)} queries x 2 users on whoosh, every "
        f"{args.fts5_every}. on FTS5 too"
    )
    profile = cProfile.Profile() if args.profile else None
    with EngineFailures().collecting() as failures:
        timings = run_queries(queries, progress=True, profile=profile, **options)
    if profile is not None:
        print_profile(profile, params.records)
        print("(cProfile slows the whoosh searches: their times are inflated)")

    print(f"save -> findable: {PROBES} documents on whoosh, {FTS5_PROBES} on FTS5")
    fresh = {
        "whoosh": freshness("whoosh", PROBES),
        "fts5": freshness("fts5", FTS5_PROBES),
    }
    return {
        "builds": builds,
        "timings": timings,
        "fresh": fresh,
        "errors": failures.errors,
    }


def previous_builds(params: CityParameters, total: int) -> dict[str, Build]:
    """The build figures saved by the last run, whose indexes are still in
    place (searches can be measured again without rebuilding both)."""
    path = BENCH_DIR / f"results-{params.records}.json"
    saved = json.loads(path.read_text())
    builds = {name: Build(**figures) for name, figures in saved["builds"].items()}
    if saved["parameters"] != params.as_dict() or any(
        build.documents != total for build in builds.values()
    ):
        raise SystemExit(f"{path} is not from this city: run without --reuse-builds")
    if not (WHOOSH_PATH / "search_searchdocument").is_dir():
        raise SystemExit("The whoosh index is missing: run without --reuse-builds")
    return builds


def save_results(params: CityParameters, results: dict, checks) -> None:
    """The figures as JSON beside the city, for the record."""
    timings = results["timings"]
    data = {
        "parameters": params.as_dict(),
        "machine": machine(),
        "builds": {name: vars(build) for name, build in results["builds"].items()},
        "percentiles_ms": {
            name: percentiles(timing.seconds) for name, timing in timings.items()
        },
        "by_kind_ms": {
            name: {kind: percentiles(s) for kind, s in timing.by_kind.items()}
            for name, timing in timings.items()
        },
        "fts5_timeouts": timings["fts5"].timeouts,
        "fresh_s": results["fresh"],
        "checks": dict(checks),
    }
    path = BENCH_DIR / f"results-{params.records}.json"
    path.write_text(json.dumps(data, indent=2))
    print(f"figures saved in {path.relative_to(ROOT)}")


if __name__ == "__main__":
    sys.exit(main())
