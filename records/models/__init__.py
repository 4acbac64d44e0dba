from .records import Record, RecordQuerySet, TextStatus, blob_name, record_upload_to

__all__ = ["Record", "RecordQuerySet", "TextStatus", "blob_name", "record_upload_to"]
