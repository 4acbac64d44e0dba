"""Writes of the records domain: capture, retention, holds, disposition."""

from .capture import StoredFileMismatch, record_storage, store_record

__all__ = ["StoredFileMismatch", "record_storage", "store_record"]
