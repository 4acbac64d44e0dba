"""Searching: what a user may find, ranked, counted, faceted and paged.

Every query starts from `visible_documents(user)`, whose visibility filter
the engine applies before ranking, so counts, facets, pages, snippets,
suggestions and autocomplete all see only documents the user may see.
Membership is read at query time: a revoked seat counts from the next query.
"""

from __future__ import annotations

import datetime
import logging
import math
import re
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.safestring import SafeString
from modelsearch.backends import get_search_backend
from modelsearch.query import MatchAll

from council.models import Body, Person
from council.visibility import (
    CONFIDENTIAL_ROLES,
    INTERNAL_ROLES,
    Role,
    Visibility,
    member_body_ids,
    user_roles,
)
from meetings.models import PersonVote
from search.backends.whoosh_snippets import highlight, query_words
from search.models import DocumentKind, SearchDocument, SearchDocumentQuerySet
from search.query import ParsedQuery, parse_user_query
from search.services import schedule_index_rebuild

logger = logging.getLogger(__name__)

PAGE_SIZE = 10
SORTS = {"relevance", "newest", "oldest"}


def visible_documents(user) -> SearchDocumentQuerySet:
    """The documents `user` may find: public ones for everyone, internal ones
    for staff and members, confidential ones for clerks and records
    managers, and for members those of the bodies they sit on today."""
    documents = SearchDocument.objects.all()
    if user is not None and user.is_authenticated and user.is_superuser:
        return documents
    roles = user_roles(user)
    if roles & CONFIDENTIAL_ROLES:
        return documents
    allowed = Q(visibility=Visibility.PUBLIC)
    if roles & INTERNAL_ROLES:
        allowed |= Q(visibility=Visibility.INTERNAL)
    if Role.MEMBER in roles:
        # A list, not a subquery: the engine filters on the values.
        bodies = list(member_body_ids(user).values_list("body_id", flat=True))
        if bodies:
            allowed |= Q(visibility=Visibility.CONFIDENTIAL, body__in=bodies)
    return documents.filter(allowed)


@dataclass
class SearchRequest:
    text: str = ""
    kind: str = ""
    body: int | None = None
    year: int | None = None
    member: int | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    sort: str = "relevance"
    page: int = 1


@dataclass
class SearchHit:
    document: SearchDocument
    url: str
    snippet: SafeString
    page_number: int | None = None


@dataclass
class Facet:
    value: str
    label: str
    count: int


@dataclass
class SearchOutcome:
    request: SearchRequest
    parsed: ParsedQuery
    hits: list[SearchHit] = field(default_factory=list)
    total: int = 0
    pages: int = 0
    facets: dict[str, list[Facet]] = field(default_factory=dict)
    suggestion: str = ""
    degraded: bool = False  # answered by the database while the index rebuilds

    @property
    def has_previous(self) -> bool:
        return self.request.page > 1

    @property
    def has_next(self) -> bool:
        return self.request.page < self.pages


def search(user, request: SearchRequest) -> SearchOutcome:
    parsed = parse_user_query(request.text)
    outcome = SearchOutcome(request=request, parsed=parsed)
    if parsed.query is None and not _has_filters(request):
        return outcome
    documents = _filtered(visible_documents(user), request)
    query = parsed.query or MatchAll()
    try:
        outcome.total, outcome.hits, outcome.facets = _run(documents, query, request)
    except Exception:
        # A broken or rebuilding index must not stop search: the database
        # answers (slower, same filters), and the index is rebuilt.
        logger.exception("Search index failed; answering from the database.")
        schedule_index_rebuild()
        outcome.degraded = True
        outcome.total, outcome.hits, outcome.facets = _run_in_database(
            documents, parsed, request
        )
    outcome.pages = math.ceil(outcome.total / PAGE_SIZE)
    if parsed.words and outcome.total < 3:
        outcome.suggestion = _suggestion(documents, request.text)
    return outcome


def _has_filters(request: SearchRequest) -> bool:
    return bool(request.kind or request.body or request.year or request.member)


def _filtered(documents, request: SearchRequest):
    if request.kind:
        documents = documents.filter(kind=request.kind)
    if request.body:
        documents = documents.filter(body=request.body)
    if request.year:
        documents = documents.filter(year=request.year)
    if request.date_from:
        documents = documents.filter(date__gte=request.date_from)
    if request.date_to:
        documents = documents.filter(date__lte=request.date_to)
    if request.member:
        motions = PersonVote.objects.filter(person=request.member).values_list(
            "motion_id", flat=True
        )
        documents = documents.filter(
            kind=DocumentKind.VOTE, variant__in=[f"vote-{m}" for m in motions]
        )
    if request.sort == "newest":
        documents = documents.order_by("-date")
    elif request.sort == "oldest":
        documents = documents.order_by("date")
    return documents


def _run(documents, query, request: SearchRequest):
    by_relevance = request.sort == "relevance"
    results = documents.search(query, order_by_relevance=by_relevance)
    start = (request.page - 1) * PAGE_SIZE
    page = list(results[start : start + PAGE_SIZE])
    total = results.count()
    facets = {
        "kind": _facet(results, "kind", dict(DocumentKind.choices)),
        "year": _facet(results, "year", {}),
        # Facets name fields by attname: the body's id column.
        "body": _facet(
            results, "body_id", dict(Body.objects.values_list("pk", "name"))
        ),
    }
    return total, [_hit(doc, query) for doc in page], facets


def _facet(results, name: str, labels: dict) -> list[Facet]:
    counts = results.facet(name)
    facets = [
        Facet(str(value), str(labels.get(value, value)), count)
        for value, count in counts.items()
        if value not in (None, "") and count
    ]
    if name == "year":
        return sorted(facets, key=lambda f: f.value, reverse=True)
    return sorted(facets, key=lambda f: (-f.count, f.label))


def _run_in_database(documents, parsed: ParsedQuery, request: SearchRequest):
    condition = Q()
    for word in parsed.words:
        condition &= Q(title__icontains=word) | Q(text__icontains=word)
    matches = documents.filter(condition)
    if request.sort == "relevance":
        matches = matches.order_by("-date", "pk")
    start = (request.page - 1) * PAGE_SIZE
    page = list(matches[start : start + PAGE_SIZE])
    hits = [_hit(doc, parsed.query or " ".join(parsed.words)) for doc in page]
    return matches.count(), hits, {}


def _hit(document: SearchDocument, query) -> SearchHit:
    """A result with its snippet; a hit in a paged document (a PDF) shows and
    links to the best page."""
    if document.kind == DocumentKind.RECORD and "\f" in document.text:
        best = _best_page(document.text.split("\f"), query)
    else:
        best = None
    if best is not None:
        number, page_text = best
        return SearchHit(
            document=document,
            url=f"{document.url}#page={number}",
            snippet=highlight(page_text, query, fragments=2),
            page_number=number,
        )
    return SearchHit(
        document=document,
        url=document.url,
        snippet=highlight(document.text, query, fragments=2),
    )


def _best_page(pages: list[str], query) -> tuple[int, str] | None:
    """The page (1-based) where the query's words occur most, or None when
    only the title matched."""
    stems, prefixes = query_words(query)
    if not stems and not prefixes:
        return None
    starts = re.compile(
        r"\b(?:" + "|".join(re.escape(w) for w in [*stems, *prefixes]) + ")",
        re.IGNORECASE,
    )
    scores = [len(starts.findall(text)) for text in pages]
    best = max(range(len(pages)), key=scores.__getitem__)
    return (best + 1, pages[best]) if scores[best] else None


def _suggestion(documents, text: str) -> str:
    backend = get_search_backend()
    suggest = getattr(backend, "suggest", None)
    if suggest is None:
        return ""
    try:
        suggestions = suggest(documents, text, limit=1)
    except Exception:
        logger.exception("No spelling suggestion for %r.", text)
        return ""
    return suggestions[0] if suggestions else ""


def autocomplete(user, text: str, *, limit: int = 8) -> list[SearchDocument]:
    """Titles that begin with what is typed, among what `user` may see."""
    if len(text.strip()) < 2:
        return []
    try:
        return list(visible_documents(user).autocomplete(text)[:limit])
    except Exception:
        logger.exception("Autocomplete failed for %r.", text)
        return []


def matching_record_ids(text: str) -> list[int]:
    """Records with every word of `text` (for holds over a saved search)."""
    parsed = parse_user_query(text)
    if parsed.query is None:
        return []
    documents = SearchDocument.objects.filter(kind=DocumentKind.RECORD).search(
        parsed.query, order_by_relevance=False
    )
    return [int(doc.source_id) for doc in documents]


def member_choices() -> list[Person]:
    """People who have voted, for the "how did a member vote" filter."""
    return list(
        Person.objects.filter(votes__isnull=False).distinct().order_by("family_name")
    )
