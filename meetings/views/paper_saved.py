"""The paper-saved report for clerks (Wagtail admin, Reports menu): pages
delivered on screen by the members' portal and the printing they replaced."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from council.visibility import Role, has_role
from meetings import reading


def paper_saved(request: HttpRequest) -> HttpResponse:
    if not has_role(request.user, Role.CLERK):
        raise PermissionDenied
    years = reading.paper_years()
    value = request.GET.get("year", "")
    year = int(value) if value.isdigit() else None
    rows = reading.paper_saved(year=year)
    totals = {
        "packs_read": sum(r.packs_read for r in rows),
        "pages_delivered": sum(r.pages_delivered for r in rows),
        "pages_not_printed": sum(r.pages_not_printed for r in rows),
    }
    return render(
        request,
        "meetings/admin/paper_saved.html",
        {
            "rows": rows,
            "totals": totals,
            "years": years,
            "year": year,
            "extra_copies": settings.QUORUM_PAPER_EXTRA_COPIES,
        },
    )
