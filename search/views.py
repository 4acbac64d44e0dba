"""The search pages: one for everyone, showing each user what they may see."""

from __future__ import annotations

import datetime

from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from council.models import Body
from search import selectors
from search.models import DocumentKind

MAX_QUERY_CHARS = 300


@require_GET
def search_page(request):
    search_request = _search_request(request.GET)
    outcome = selectors.search(request.user, search_request)
    return render(
        request,
        "search/search.html",
        {
            "outcome": outcome,
            "kinds": DocumentKind.choices,
            "bodies": Body.objects.order_by("name"),
            "members": selectors.member_choices(),
            "signed_in": request.user.is_authenticated,
            "query_string": _without_page(request.GET),
        },
    )


@require_GET
def autocomplete(request):
    text = request.GET.get("q", "")[:MAX_QUERY_CHARS]
    documents = selectors.autocomplete(request.user, text)
    return JsonResponse(
        {
            "results": [
                {"title": doc.title, "url": doc.url, "kind": doc.get_kind_display()}
                for doc in documents
            ]
        }
    )


def _search_request(params) -> selectors.SearchRequest:
    kinds = {value for value, _label in DocumentKind.choices}
    sort = params.get("sort", "relevance")
    return selectors.SearchRequest(
        text=params.get("q", "")[:MAX_QUERY_CHARS],
        kind=params.get("kind", "") if params.get("kind") in kinds else "",
        body=_number(params.get("body")),
        year=_number(params.get("year")),
        member=_number(params.get("member")),
        date_from=_date(params.get("from")),
        date_to=_date(params.get("to")),
        sort=sort if sort in selectors.SORTS else "relevance",
        page=max(1, min(_number(params.get("page")) or 1, 1000)),
    )


def _number(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _date(value: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _without_page(params) -> str:
    kept = params.copy()
    kept.pop("page", None)
    return kept.urlencode()
