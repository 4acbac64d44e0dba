"""Placing and lifting holds."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from records.audit import record_event
from records.models import AuditAction, Hold, HoldScope, Record, RecordClass
from records.selectors import records_covered_by

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


@transaction.atomic
def place_hold(
    *,
    reason: str,
    owner: AbstractBaseUser,
    placed_by: AbstractBaseUser,
    records: Sequence[Record] = (),
    record_class: RecordClass | None = None,
    filed_under: models.Model | None = None,
    search_query: str = "",
) -> Hold:
    """Place a hold over chosen records, a record class, everything filed
    under an object (a meeting), or what a search finds. Exactly one scope.

    Classes, meetings and searches are kept as descriptions, so records filed
    or found later are held too.
    """
    scopes = {
        HoldScope.RECORDS: bool(records),
        HoldScope.RECORD_CLASS: record_class is not None,
        HoldScope.LINKED_OBJECT: filed_under is not None,
        HoldScope.SEARCH: bool(search_query.strip()),
    }
    chosen = [scope for scope, given in scopes.items() if given]
    if len(chosen) != 1:
        raise ValidationError(
            _("Say what the hold covers: records, a class, a meeting or a search.")
        )
    if not reason.strip():
        raise ValidationError(_("Give the reason for the hold."))
    hold = Hold(
        reason=reason.strip(),
        owner=owner,
        placed_by=placed_by,
        scope=chosen[0],
        record_class=record_class,
        search_query=search_query.strip(),
    )
    if filed_under is not None:
        hold.target_type = ContentType.objects.get_for_model(filed_under)
        hold.target_id = str(filed_under.pk)
        hold.target_label = str(filed_under)[:255]
    hold.save()
    hold.records.set(records)
    covered = list(records_covered_by(hold).values_list("pk", flat=True))
    record_event(
        action=AuditAction.HOLD_PLACED,
        actor=placed_by,
        target=hold,
        details={
            "reason": hold.reason,
            "owner": owner.get_username(),
            "scope": hold.scope,
            "covers": hold.scope_label,
            "records_now_covered": covered,
        },
    )
    return hold


@transaction.atomic
def lift_hold(*, hold: Hold, lifted_by: AbstractBaseUser, reason: str) -> Hold:
    """Lift a hold; the records it covered follow their schedules again."""
    if not hold.in_force:
        raise ValidationError(_("This hold was already lifted."))
    if not reason.strip():
        raise ValidationError(_("Say why the hold is lifted."))
    hold.lifted_at = timezone.now()
    hold.lifted_by = lifted_by
    hold.lift_reason = reason.strip()
    hold.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
    record_event(
        action=AuditAction.HOLD_LIFTED,
        actor=lifted_by,
        target=hold,
        details={"reason": hold.lift_reason},
    )
    return hold
