"""Middleware for the members' portal.

- Signing out ends the offline copies: the reader keeps packs, agendas and
  annotations in the browser's Cache Storage and IndexedDB. Whatever page
  signs the user out (the Wagtail admin's menu, the members' portal), the
  response carries `Clear-Site-Data: "cache", "storage"`, which makes the
  browser delete them, along with the service worker. The reader's scripts
  also wipe them when they see another user signed in on the same device.
- Members land on their meetings: signing in goes through Wagtail's login
  page, which sends everyone to the admin; members have no admin access, so
  the admin's dashboard sends them to "My meetings" instead.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

CLEAR_SITE_DATA = '"cache", "storage"'


class ClearOfflineCopiesOnSignOut:
    """Adds Clear-Site-Data to the response of any request that signed the
    user out (a session that had a user and has none afterwards)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return self.get_response(request)
        signed_in = SESSION_KEY in request.session
        response = self.get_response(request)
        if signed_in and SESSION_KEY not in request.session:
            response["Clear-Site-Data"] = CLEAR_SITE_DATA
        return response


class SendMembersToTheirMeetings:
    """The admin's dashboard, asked for by a signed-in user without admin
    access (a member), redirects to the members' portal."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.path == reverse("wagtailadmin_home")
            and request.user.is_authenticated
            and not request.user.has_perm("wagtailadmin.access_admin")
        ):
            return redirect("meetings_portal")
        return self.get_response(request)
