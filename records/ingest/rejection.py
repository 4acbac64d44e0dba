"""The one error of the upload gate."""

from __future__ import annotations


class RejectedUpload(Exception):
    """A file Quorum will not store; `message` says why and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
