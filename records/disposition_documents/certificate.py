"""The destruction certificate: the lasting proof that records were destroyed.

The records services build a ``DestructionCertificateData`` from an executed
disposal batch and store the PDF ``render_destruction_certificate`` returns.
This module says what the certificate states and refuses data that would make
it state something untrue; ``certificate_pdf`` lays it out.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass

from records.disposition_documents.certificate_pdf import CertificatePDF
from records.disposition_documents.wording import long_moment, size_label

_SHA256 = re.compile(r"[0-9a-fA-F]{64}")


@dataclass(frozen=True, kw_only=True)
class DestroyedRecordEntry:
    """One destroyed record as the certificate lists it.

    ``schedule`` is the retention rule in words ("Destroy 2 years after
    superseded"); ``trigger_date`` is the event it counts from, if any.
    ``sha256`` is the digest of the content that was destroyed.
    """

    identifier: str
    title: str
    record_class: str
    schedule: str
    created_on: datetime.date
    trigger_date: datetime.date | None
    due_on: datetime.date
    sha256: str
    size: int
    format_label: str


@dataclass(frozen=True, kw_only=True)
class DestructionCertificateData:
    """Everything one certificate states, for one executed disposal batch.

    Times are shown as given (with their UTC offset when they carry one), so
    pass them in the council's local time.
    """

    number: str
    issued_at: datetime.datetime
    organisation: str
    batch_reference: str
    reviewed_by: str
    reviewed_at: datetime.datetime
    approved_by: str
    approved_at: datetime.datetime
    executed_by: str
    executed_at: datetime.datetime
    holds_checked_at: datetime.datetime
    entries: Sequence[DestroyedRecordEntry]


class DestructionCertificateError(ValueError):
    """The certificate would state something the data does not support.

    The message is meant for the clerk: it says what is wrong with the batch.
    """


def render_destruction_certificate(data: DestructionCertificateData) -> bytes:
    """The destruction certificate as PDF bytes (A4), "Page n of N" in the footer.

    Refuses (``DestructionCertificateError``) a batch without records, a
    record destroyed before it was due or one
    without a SHA-256 digest, since the certificate would say otherwise. The
    same data gives the same bytes: the PDF is dated at the issue time.
    """
    check_certificate_data(data)
    pdf = CertificatePDF(data)
    pdf.write_title_block()
    pdf.write_statement(statement(data))
    pdf.write_people()
    pdf.write_schedule()
    return bytes(pdf.output())


def check_certificate_data(data: DestructionCertificateData) -> None:
    """Raise ``DestructionCertificateError`` unless the statement holds."""
    batch = data.batch_reference
    if not data.entries:
        raise DestructionCertificateError(
            f"Disposal batch {batch} lists no records, so there is no "
            "destruction to certify."
        )
    destroyed_on = data.executed_at.date()
    for entry in data.entries:
        if entry.due_on > destroyed_on:
            raise DestructionCertificateError(
                f"Record {entry.identifier} was destroyed on {destroyed_on} but "
                f"was not due for destruction until {entry.due_on}."
            )
        if not _SHA256.fullmatch(entry.sha256):
            raise DestructionCertificateError(
                f"Record {entry.identifier} has no valid SHA-256 digest, so the "
                "certificate could not say which content was destroyed."
            )


def statement(data: DestructionCertificateData) -> list[str]:
    """The certificate's paragraphs, in order."""
    count = len(data.entries)
    total = size_label(sum(entry.size for entry in data.entries))
    if count == 1:
        listed, were, these = "record listed", "was", "this record"
        schedules = f"The schedule lists 1 record ({total})."
    else:
        listed, were, these = f"{count:,} records listed", "were", "these records"
        schedules = f"The schedule lists {count:,} records ({total} in all)."
    return [
        f"This is to certify that the {listed} in the schedule below, held by "
        f"{data.organisation}, {were} destroyed under disposal batch "
        f"{data.batch_reference} on {long_moment(data.executed_at)}.",
        "Each record was destroyed under the retention schedule named against "
        "it, once the retention period it sets had ended. The batch was reviewed "
        f"by {data.reviewed_by} and approved by a second person, "
        f"{data.approved_by}, before {data.executed_by} carried out the "
        "destruction.",
        f"No legal hold was in force on {these} when the destruction was carried "
        f"out: holds were checked at {long_moment(data.holds_checked_at)}.",
        f"{schedules} The SHA-256 digest against each record identifies the "
        "exact content that was destroyed.",
    ]
