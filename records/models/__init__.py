from .audit import AuditAction, AuditEvent, AuditEventQuerySet, AuditTrailIsAppendOnly
from .disposition import (
    OPEN_STATES,
    BatchStatus,
    DisposalBatch,
    DisposalItem,
    DisposalState,
)
from .file_plan import DisposalAction, RecordClass, RetentionSchedule, TriggerEvent
from .fixity import FixityCheck, FixityProblem, FixityProblemKind
from .holds import Hold, HoldScope
from .records import (
    Record,
    RecordLink,
    RecordQuerySet,
    RecordStatus,
    RecordTrigger,
    TextStatus,
    blob_name,
    record_upload_to,
)

__all__ = [
    "AuditAction",
    "AuditEvent",
    "AuditEventQuerySet",
    "AuditTrailIsAppendOnly",
    "BatchStatus",
    "DisposalAction",
    "DisposalBatch",
    "DisposalItem",
    "DisposalState",
    "FixityCheck",
    "FixityProblem",
    "FixityProblemKind",
    "Hold",
    "HoldScope",
    "OPEN_STATES",
    "Record",
    "RecordClass",
    "RecordLink",
    "RecordQuerySet",
    "RecordStatus",
    "RecordTrigger",
    "RetentionSchedule",
    "TextStatus",
    "TriggerEvent",
    "blob_name",
    "record_upload_to",
]
