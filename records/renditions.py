"""Derived copies of records (PDF conversions of DOCX and text files), kept
in record storage beside the originals so they are made once.

They are derivatives: destroying a record must delete its renditions too
(`renditions/<sha256>-*`).
"""

from __future__ import annotations

from django.core.files.base import ContentFile

from records.services import record_storage

RENDITIONS_DIR = "renditions"


class StoredRenditions:
    """A rendition cache in storage, keyed by content hash plus variant."""

    def __init__(self) -> None:
        self.storage = record_storage()

    def _name(self, key: str) -> str:
        return f"{RENDITIONS_DIR}/{key}.pdf"

    def get(self, key: str) -> bytes | None:
        name = self._name(key)
        if not self.storage.exists(name):
            return None
        with self.storage.open(name, "rb") as handle:
            return handle.read()

    def put(self, key: str, pdf: bytes) -> None:
        name = self._name(key)
        if not self.storage.exists(name):
            self.storage.save(name, ContentFile(pdf))

    def delete_all_of(self, sha256: str) -> int:
        """Delete every rendition of one content (all variants); return how many."""
        try:
            _dirs, names = self.storage.listdir(RENDITIONS_DIR)
        except FileNotFoundError:  # local disk before the first rendition
            return 0
        doomed = [name for name in names if name.startswith(f"{sha256}-")]
        for name in doomed:
            self.storage.delete(f"{RENDITIONS_DIR}/{name}")
        return len(doomed)
