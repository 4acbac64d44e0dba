"""What happens in the room: attendance, motions and roll-call votes.

Named after Popolo / Open Civic Data: Motion, VoteEvent, PersonVote; the
counts (VoteCount) are computed from the PersonVotes, never stored apart.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from council.visibility import VisibilityQuerySet, visibility_field


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    ABSENT = "absent", _("Absent")
    LATE = "late", _("Late")
    REMOTE = "remote", _("Remote")
    LEFT_EARLY = "left_early", _("Left early")


# Who counts towards quorum and may vote at this moment.
IN_THE_ROOM = (AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.REMOTE)


class Attendance(models.Model):
    meeting = models.ForeignKey(
        "meetings.Meeting",
        verbose_name=_("meeting"),
        on_delete=models.CASCADE,
        related_name="attendance",
    )
    person = models.ForeignKey(
        "council.Person",
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        related_name="attendance",
    )
    status = models.CharField(
        _("attendance"), max_length=12, choices=AttendanceStatus.choices
    )
    arrived_at = models.TimeField(_("arrived at"), null=True, blank=True)
    left_at = models.TimeField(_("left at"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "person"], name="one_attendance_per_member"
            )
        ]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")

    def __str__(self) -> str:
        return f"{self.person}: {self.get_status_display()}"

    @property
    def in_the_room(self) -> bool:
        return self.status in IN_THE_ROOM


class MotionKind(models.TextChoices):
    MAIN = "main", _("Main motion")
    AMENDMENT = "amendment", _("Amendment")
    SUBSTITUTE = "substitute", _("Substitute motion")
    TABLE = "table", _("Motion to table")
    RECONSIDER = "reconsider", _("Motion to reconsider")
    CONSENT = "consent", _("Consent agenda")


class Requirement(models.TextChoices):
    MAJORITY_OF_VOTES_CAST = "majority_cast", _("majority of votes cast")
    MAJORITY_OF_PRESENT = "majority_present", _("majority of members present")
    MAJORITY_OF_SEATS = "majority_seats", _("majority of all seats")
    TWO_THIRDS = "two_thirds", _("two-thirds of votes cast")
    UNANIMOUS = "unanimous", _("unanimous")


class MotionStatus(models.TextChoices):
    PENDING = "pending", _("On the floor")
    VOTING = "voting", _("Vote open")
    CLOSED = "closed", _("Decided")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class MotionResult(models.TextChoices):
    PASSED = "passed", _("Carried")
    FAILED = "failed", _("Defeated")


class VoteRule(models.Model):
    """A body's requirement for one kind of motion (its procedure by-law)."""

    body = models.ForeignKey(
        "council.Body",
        verbose_name=_("body"),
        on_delete=models.CASCADE,
        related_name="vote_rules",
    )
    kind = models.CharField(_("motion kind"), max_length=12, choices=MotionKind.choices)
    requirement = models.CharField(
        _("requirement"), max_length=20, choices=Requirement.choices
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["body", "kind"], name="one_rule_per_kind")
        ]
        verbose_name = _("vote rule")

    def __str__(self) -> str:
        return (
            f"{self.body}: {self.get_kind_display()} – {self.get_requirement_display()}"
        )


class Motion(models.Model):
    """A proposal put to the meeting (Popolo Motion), decided by one vote."""

    meeting = models.ForeignKey(
        "meetings.Meeting",
        verbose_name=_("meeting"),
        on_delete=models.CASCADE,
        related_name="motions",
    )
    item = models.ForeignKey(
        "meetings.AgendaItem",
        verbose_name=_("agenda item"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="motions",
    )
    consent_items = models.ManyToManyField(
        "meetings.AgendaItem",
        verbose_name=_("consent items"),
        blank=True,
        related_name="consent_motions",
    )
    amends = models.ForeignKey(
        "self",
        verbose_name=_("amends"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="amendments",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=MotionKind.choices)
    text = models.TextField(_("text"))
    mover = models.ForeignKey(
        "council.Person",
        verbose_name=_("moved by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    seconder = models.ForeignKey(
        "council.Person",
        verbose_name=_("seconded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    requirement = models.CharField(
        _("requirement"), max_length=20, choices=Requirement.choices
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=MotionStatus.choices,
        default=MotionStatus.PENDING,
    )
    result = models.CharField(
        _("result"), max_length=8, choices=MotionResult.choices, blank=True
    )
    result_reason = models.CharField(_("reason"), max_length=300, blank=True)
    override_reason = models.TextField(_("why the chair's ruling differs"), blank=True)
    quorum_override_reason = models.TextField(
        _("why the vote was taken without quorum"), blank=True
    )
    visibility = visibility_field()
    created_at = models.DateTimeField(_("moved at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    # A motion is as visible as its item; confidential items' votes stay closed.
    visibility_body_path = "meeting__bodies"
    objects = VisibilityQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "created_at", "pk"]
        verbose_name = _("motion")
        verbose_name_plural = _("motions")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:60]}"


class VoteOption(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    ABSTAIN = "abstain", _("Abstain")
    ABSENT = "absent", _("Absent")
    RECUSED = "recused", _("Recused")


CAST = (VoteOption.YES, VoteOption.NO)


class PersonVote(models.Model):
    """One member's vote on one motion (Popolo PersonVote)."""

    motion = models.ForeignKey(
        Motion, verbose_name=_("motion"), on_delete=models.CASCADE, related_name="votes"
    )
    person = models.ForeignKey(
        "council.Person",
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        related_name="votes",
    )
    option = models.CharField(_("vote"), max_length=8, choices=VoteOption.choices)
    conflict_declared = models.CharField(
        _("declared conflict of interest"), max_length=300, blank=True
    )
    is_casting_vote = models.BooleanField(_("chair's casting vote"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["motion", "person__family_name"]
        constraints = [
            # The database, not only the service, refuses a second vote.
            models.UniqueConstraint(
                fields=["motion", "person", "is_casting_vote"],
                name="one_vote_per_member",
            )
        ]
        verbose_name = _("vote")
        verbose_name_plural = _("votes")

    def __str__(self) -> str:
        return f"{self.person}: {self.get_option_display()}"
