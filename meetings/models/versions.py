"""Published agenda versions, frozen, and the board packs compiled from them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from council.visibility import VisibilityQuerySet, visibility_field
from meetings.models.agenda import AttachedFile
from meetings.models.schedules import SectionKind


class AgendaVersion(models.Model):
    """Agenda version N of a meeting: what was published, frozen for good.

    Version 1 is the agenda; each later version is an addendum and supersedes
    the one before. Every version stays downloadable.
    """

    meeting = models.ForeignKey(
        "meetings.Meeting",
        verbose_name=_("meeting"),
        on_delete=models.CASCADE,
        related_name="versions",
    )
    number = models.PositiveIntegerField(_("version"))
    published_at = models.DateTimeField(_("published at"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    late_notice_reason = models.TextField(
        _("reason for publishing within the notice period"), blank=True
    )
    change_note = models.TextField(_("what changed"), blank=True)

    class Meta:
        ordering = ["meeting", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "number"], name="unique_agenda_version"
            )
        ]
        verbose_name = _("agenda version")
        verbose_name_plural = _("agenda versions")

    def __str__(self) -> str:
        return f"{self.meeting} · v{self.number}"

    @property
    def is_addendum(self) -> bool:
        return self.number > 1


class PublishedSection(models.Model):
    version = models.ForeignKey(
        AgendaVersion,
        verbose_name=_("version"),
        on_delete=models.CASCADE,
        related_name="sections",
    )
    number = models.CharField(_("number"), max_length=10)
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=SectionKind.choices)
    sort_order = models.PositiveIntegerField(_("order"))

    class Meta:
        ordering = ["version", "sort_order"]
        verbose_name = _("published section")

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class PublishedItem(models.Model):
    version = models.ForeignKey(
        AgendaVersion,
        verbose_name=_("version"),
        on_delete=models.CASCADE,
        related_name="items",
    )
    section = models.ForeignKey(
        PublishedSection,
        verbose_name=_("section"),
        on_delete=models.CASCADE,
        related_name="items",
    )
    source = models.ForeignKey(
        "meetings.AgendaItem",
        verbose_name=_("working item"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="published",
    )
    number = models.CharField(_("number"), max_length=10)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    recommendation = models.TextField(_("recommendation"), blank=True)
    department = models.CharField(_("department"), max_length=120, blank=True)
    sponsor_name = models.CharField(_("sponsor"), max_length=200, blank=True)
    visibility = visibility_field()
    is_consent = models.BooleanField(_("consent agenda"), default=False)
    is_changed = models.BooleanField(_("new or changed in this version"), default=False)
    sort_order = models.PositiveIntegerField(_("order"))

    visibility_body_path = "version__meeting__bodies"
    objects = VisibilityQuerySet.as_manager()

    class Meta:
        ordering = ["version", "sort_order"]
        verbose_name = _("published item")

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class PublishedAttachment(AttachedFile):
    item = models.ForeignKey(
        PublishedItem,
        verbose_name=_("item"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )

    class Meta:
        ordering = ["item", "sort_order"]
        verbose_name = _("published attachment")


class PackEdition(models.TextChoices):
    PUBLIC = "public", _("Public pack")
    MEMBERS = "members", _("Members' pack")


class PackStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    COMPILING = "compiling", _("Compiling")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class BoardPack(models.Model):
    """One edition of the compiled PDF for one agenda version."""

    version = models.ForeignKey(
        AgendaVersion,
        verbose_name=_("agenda version"),
        on_delete=models.CASCADE,
        related_name="packs",
    )
    edition = models.CharField(_("edition"), max_length=10, choices=PackEdition.choices)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=PackStatus.choices,
        default=PackStatus.QUEUED,
    )
    steps_done = models.PositiveIntegerField(_("steps done"), default=0)
    steps_total = models.PositiveIntegerField(_("steps in all"), default=0)
    error = models.TextField(_("error"), blank=True)
    record = models.ForeignKey(
        "records.Record",
        verbose_name=_("compiled file"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    page_count = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    item_pages = models.JSONField(
        _("start page of each item"), default=dict, blank=True
    )
    compiled_at = models.DateTimeField(_("compiled at"), null=True, blank=True)
    # Set when a record in the pack was destroyed or transferred under its
    # retention schedule: the records manager decides what becomes of the pack.
    contains_removed_content = models.BooleanField(
        _("contains destroyed content"), default=False
    )

    class Meta:
        ordering = ["version", "edition"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "edition"], name="unique_pack_edition"
            )
        ]
        verbose_name = _("board pack")
        verbose_name_plural = _("board packs")

    def __str__(self) -> str:
        return f"{self.version} · {self.get_edition_display()}"

    @property
    def percent_done(self) -> int:
        if self.status == PackStatus.READY:
            return 100
        return int(100 * self.steps_done / self.steps_total) if self.steps_total else 0
