from .audit import AuditAction, AuditEvent, AuditEventQuerySet, AuditTrailIsAppendOnly
from .fixity import FixityCheck, FixityProblem, FixityProblemKind
from .records import Record, RecordQuerySet, TextStatus, blob_name, record_upload_to

__all__ = [
    "AuditAction",
    "AuditEvent",
    "AuditEventQuerySet",
    "AuditTrailIsAppendOnly",
    "Record",
    "RecordQuerySet",
    "TextStatus",
    "blob_name",
    "record_upload_to",
    "FixityCheck",
    "FixityProblem",
    "FixityProblemKind",
]
