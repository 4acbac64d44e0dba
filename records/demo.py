"""The records store of the demo city: old correspondence and contracts past
their retention, holds, a disposal queue at every step, and one executed
batch with its destruction certificate."""

from __future__ import annotations

import datetime
import io

from django.contrib.auth import get_user_model
from django.utils import timezone

from council.models import Body
from council.visibility import Visibility
from meetings.models import Meeting
from records.models import DisposalItem, Record, RecordClass, TriggerEvent
from records.services.capture import store_record
from records.services.disposition import (
    confirm_disposal,
    execute_disposal_batch,
    list_due_records,
    review_disposal,
    start_disposal,
)
from records.services.holds import place_hold
from records.services.retention import recompute_due_date, record_trigger_event

# (title, year received, body of the letter)
LETTERS = [
    (
        "Letter from the Harbour Users' Association on mooring fees",
        2015,
        "The association asks the council to freeze mooring fees for two seasons.",
    ),
    (
        "Petition on the closure of the Elm Street crossing",
        2016,
        "Residents of Elm Street ask that the level crossing stay open to walkers.",
    ),
    (
        "Request for a street party permit, Birch Avenue",
        2016,
        "The residents' committee asks to close Birch Avenue on 2 July.",
    ),
    (
        "Complaint about snow clearing on Quarry Road",
        2017,
        "The writer reports that Quarry Road was not cleared for three days.",
    ),
    (
        "Letter of thanks from the Port Alder Rowing Club",
        2017,
        "The club thanks the council for the new boathouse ramp.",
    ),
    (
        "Enquiry about the heritage designation of the old customs house",
        2018,
        "The owner asks what a heritage designation would mean for repairs.",
    ),
    (
        "Letter from the school board on crossing guards",
        2018,
        "The board asks for crossing guards at two new school crossings.",
    ),
    (
        "Comments on the draft cycling network plan",
        2025,
        "The writer supports the plan and asks for a route to the ferry terminal.",
    ),
]
# (title, contract end date)
CONTRACTS = [
    (
        "Lease of the Wharf Street parking lot to Harbour Parking Ltd.",
        datetime.date(2016, 12, 31),
    ),
    ("Winter road maintenance contract, east district", datetime.date(2017, 4, 30)),
    ("Lease of the marina kiosk", datetime.date(2024, 9, 30)),
]


def load() -> None:
    users = get_user_model().objects
    ray, amara = users.get(username="records"), users.get(username="archives")
    council = Body.objects.get(slug="city-council")
    correspondence = RecordClass.objects.get(code="correspondence")
    contracts = RecordClass.objects.get(code="contracts")
    letters = [
        _received(title, year, text, correspondence, council, ray)
        for title, year, text in LETTERS
    ]
    for title, ended in CONTRACTS:
        contract = _received(title, ended.year - 5, title, contracts, council, ray)
        record_trigger_event(
            records=[contract],
            event=TriggerEvent.CUSTOM,
            custom_event="contract ended",
            occurred_on=ended,
            by=ray,
        )
    first_meeting = Meeting.objects.order_by("starts_at").first()
    if first_meeting is not None:
        place_hold(
            reason="Claim concerning the drainage works: keep everything from this "
            "meeting until the claim is settled.",
            owner=ray,
            placed_by=ray,
            filed_under=first_meeting,
        )
    place_hold(
        reason="Freedom of information request FOI-2026-114.",
        owner=amara,
        placed_by=amara,
        records=[letters[3]],
    )
    queue = {item.record.title: item for item in list_due_records()}
    # One batch executed last month: two letters destroyed, with a certificate.
    for title in (LETTERS[2][0], LETTERS[4][0]):
        review_disposal(item=queue.pop(title), by=ray, decision="destroy")
        confirm_disposal(item=_item(title), by=amara)
    execute_disposal_batch(batch=start_disposal(by=amara))
    # Waiting for a second approval, and waiting for review.
    review_disposal(
        item=queue.pop(LETTERS[0][0]),
        by=ray,
        decision="destroy",
        note="No lasting value; fees since set by by-law.",
    )


def _item(title: str) -> DisposalItem:
    return DisposalItem.objects.open().get(record__title=title)


def _received(title, year, text, record_class, body, by) -> Record:
    content = f"{title}\n\n{text}\n".encode()
    record = store_record(
        upload_name=f"{title[:40]}.txt",
        data=io.BytesIO(content),
        title=title,
        visibility=Visibility.INTERNAL,
        body=body,
        created_by=by,
        record_class=record_class,
    )
    received = timezone.make_aware(datetime.datetime(year, 3, 15, 10, 0))
    Record.objects.filter(pk=record.pk).update(created_at=received)
    record.created_at = received
    return recompute_due_date(record)
