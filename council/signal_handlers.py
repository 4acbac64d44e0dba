from __future__ import annotations

from council.services import ensure_site_pages, sync_role_groups


def set_up_site_after_migrate(**kwargs) -> None:
    sync_role_groups()
    ensure_site_pages()
