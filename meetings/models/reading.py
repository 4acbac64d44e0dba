"""Members opening board packs in the reader."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PackOpen(models.Model):
    """A member opened a pack in the reader: the portal's "last opened" and
    unread marks, and the pages delivered on screen instead of on paper.

    Reopening the same pack within a short while updates the last row
    instead of adding one (a reload is not a second reading).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="pack_opens",
    )
    pack = models.ForeignKey(
        "meetings.BoardPack",
        verbose_name=_("board pack"),
        on_delete=models.CASCADE,
        related_name="opens",
    )
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    pages = models.PositiveIntegerField(
        _("pages delivered"), help_text=_("The pack's page count when opened.")
    )

    class Meta:
        ordering = ["-opened_at"]
        indexes = [models.Index(fields=["user", "pack", "-opened_at"])]
        verbose_name = _("pack opened")
        verbose_name_plural = _("packs opened")

    def __str__(self) -> str:
        return f"{self.user} · {self.pack} · {self.opened_at:%Y-%m-%d %H:%M}"
