"""Appending to the audit trail and checking that it is intact."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from records.models.audit import (
    GENESIS_HASH,
    AuditAction,
    AuditEvent,
    event_hash,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
    from django.db import models

# Rows fetched per round trip while verifying; memory stays at one batch.
VERIFY_CHUNK = 2000


def record_event(
    *,
    action: AuditAction | str,
    actor: AbstractBaseUser | AnonymousUser | None = None,
    target: models.Model | None = None,
    details: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the audit trail and return it.

    The event is chained to the last one under a lock, so concurrent writers
    queue rather than fork the chain. Called inside a caller's transaction,
    the event is kept or rolled back with the caller's work, and the lock is
    held until that transaction ends.

    `details` holds strings, integers, booleans, None, lists and dicts
    (dates and decimals become strings); floats are refused because
    databases print them back differently, which would break the hash.
    """
    if action not in AuditAction.values:
        raise ValueError(f"Unknown audit action {action!r}.")
    clean_details = _normalised_details(details or {})
    user = actor if actor is not None and actor.is_authenticated else None
    target_type = ContentType.objects.get_for_model(target) if target else None
    with transaction.atomic():
        last = _lock_and_get_last()
        event = AuditEvent(
            sequence=last.sequence + 1 if last else 1,
            at=timezone.now(),
            actor=user,
            actor_name=user.get_username()[:150] if user else "",
            action=str(action),
            target_type=target_type,
            target_id=str(target.pk) if target is not None else "",
            target_repr=str(target)[:255] if target is not None else "",
            details=clean_details,
            previous_hash=last.hash if last else GENESIS_HASH,
        )
        event.hash = event.compute_hash()
        event.save()
    return event


def _lock_and_get_last() -> AuditEvent | None:
    if connection.vendor == "postgresql":
        # Locking only the last row would not do: a writer waiting on it
        # still reads the old "last" once it gets the lock, and on an empty
        # trail there is no row to lock. EXCLUSIVE blocks other writers of
        # the table until commit but lets readers (and verify) go on.
        with connection.cursor() as cursor:
            table = connection.ops.quote_name(AuditEvent._meta.db_table)
            cursor.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
        return AuditEvent.objects.order_by("-sequence").first()
    # SQLite: the project opens transactions with BEGIN IMMEDIATE
    # (council/settings/env.py), so this transaction already holds the write
    # lock and select_for_update is a no-op. Other backends lock the row.
    return AuditEvent.objects.select_for_update().order_by("-sequence").first()


def _normalised_details(details: Mapping[str, Any]) -> dict[str, Any]:
    """`details` as the database will give it back, so the hash computed now
    is the one verify computes later."""
    _refuse_floats(details)
    return json.loads(json.dumps(dict(details), cls=DjangoJSONEncoder))


def _refuse_floats(value: Any) -> None:
    if isinstance(value, float):
        raise TypeError("Audit event details may not hold floats; use a string.")
    if isinstance(value, Mapping):
        for item in value.values():
            _refuse_floats(item)
    elif isinstance(value, list | tuple):
        for item in value:
            _refuse_floats(item)


@dataclass(frozen=True)
class ChainReport:
    """The outcome of verifying the audit trail.

    `checked` counts the events found intact before the first break (all of
    them when `ok`); `first_broken_sequence` and `problem` name that break.
    """

    ok: bool
    checked: int
    first_broken_sequence: int | None = None
    problem: str = ""
    last_hash: str = GENESIS_HASH


def verify_audit_chain() -> ChainReport:
    """Walk the audit trail in order and report the first broken link.

    Each event must follow its predecessor's sequence number without a gap
    (a deleted row is a gap), name its predecessor's hash, and hash to its
    stored hash. Rows are streamed in batches, so memory does not grow with
    the trail.

    A chain cannot show that its newest events were removed; compare
    `last_hash` with one noted earlier to detect that.
    """
    rows = (
        AuditEvent.objects.order_by("sequence")
        .annotate(
            type_app_label=F("target_type__app_label"),
            type_model=F("target_type__model"),
        )
        .values_list(
            "sequence",
            "at",
            "actor_name",
            "action",
            "type_app_label",
            "type_model",
            "target_id",
            "target_repr",
            "details",
            "previous_hash",
            "hash",
        )
    )
    checked = 0
    previous = GENESIS_HASH
    for row in rows.iterator(chunk_size=VERIFY_CHUNK):
        problem = _link_problem(row, expected=checked + 1, previous_hash=previous)
        if problem:
            return ChainReport(
                ok=False,
                checked=checked,
                first_broken_sequence=checked + 1,
                problem=problem,
                last_hash=previous,
            )
        checked += 1
        previous = row[-1]
    return ChainReport(ok=True, checked=checked, last_hash=previous)


def _link_problem(row: tuple, *, expected: int, previous_hash: str) -> str:
    """What is wrong with event `expected` (as a values_list row), or ""."""
    (
        sequence,
        at,
        actor_name,
        action,
        app_label,
        model,
        target_id,
        target_repr,
        details,
        stored_previous_hash,
        stored_hash,
    ) = row
    if sequence != expected:
        # Sequences are unique, so a larger number means rows are gone.
        return f"event {expected} is missing (deleted?)"
    # Checked before the contents: a previous hash changed *and* rehashed
    # passes the contents check, and this names it more precisely either way.
    if stored_previous_hash != previous_hash:
        if expected == 1:
            return "event 1: previous hash is not the start of the chain"
        return f"event {expected}: previous hash does not match event {expected - 1}"
    recomputed = event_hash(
        sequence=sequence,
        at=at,
        actor_name=actor_name,
        action=action,
        target_type=f"{app_label}.{model}" if app_label else "",
        target_id=target_id,
        target_repr=target_repr,
        details=details,
        previous_hash=stored_previous_hash,
    )
    if recomputed != stored_hash:
        return f"event {expected}: stored hash does not match its contents (edited?)"
    return ""
