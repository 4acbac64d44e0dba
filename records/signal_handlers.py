from __future__ import annotations

from records.services.file_plan import ensure_default_file_plan


def create_default_file_plan(**kwargs) -> None:
    ensure_default_file_plan()
