"""Documents of disposition: the destruction certificate and the transfer bag.

Pure modules (no models, no settings): the records services gather plain
dataclasses from a disposal batch and store or send what comes back.
"""

from __future__ import annotations

from records.disposition_documents.bag import (
    TransferContentMismatch,
    TransferItem,
    TransferPackageError,
    safe_filename,
    safe_identifier,
    write_transfer_bag,
    zip_bag,
)
from records.disposition_documents.certificate import (
    DestroyedRecordEntry,
    DestructionCertificateData,
    DestructionCertificateError,
    render_destruction_certificate,
)

__all__ = [
    "DestroyedRecordEntry",
    "DestructionCertificateData",
    "DestructionCertificateError",
    "TransferContentMismatch",
    "TransferItem",
    "TransferPackageError",
    "render_destruction_certificate",
    "safe_filename",
    "safe_identifier",
    "write_transfer_bag",
    "zip_bag",
]
