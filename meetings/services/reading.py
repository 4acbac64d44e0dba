"""Recording that a member opened a board pack in the reader."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from meetings.models import BoardPack, PackOpen
from meetings.services.annotations import may_open

# A reopening within this time (a reload, a jump back from the agenda) is
# the same reading.
SAME_READING = datetime.timedelta(minutes=30)


@transaction.atomic
def record_pack_open(
    *, user, pack: BoardPack, now: datetime.datetime | None = None
) -> PackOpen:
    """Note that `user` opened `pack` now, with its pages delivered on screen.

    Raises PermissionDenied for a pack the user may not open.
    """
    if not may_open(user, pack):
        raise PermissionDenied(_("You may not open this pack."))
    now = now or timezone.now()
    recent = (
        PackOpen.objects.select_for_update()
        .filter(user=user, pack=pack, opened_at__gte=now - SAME_READING)
        .first()
    )
    if recent is not None:
        recent.opened_at = now
        recent.save(update_fields=["opened_at"])
        return recent
    return PackOpen.objects.create(
        user=user, pack=pack, opened_at=now, pages=pack.page_count or 0
    )
