"""Background work of the meetings app (django-tasks)."""

from __future__ import annotations

from django_tasks import task

from meetings.models import BoardPack


@task()
def compile_board_packs(version_id: int) -> list[str]:
    """Compile every queued pack of one agenda version."""
    from meetings.services.publishing import compile_board_pack

    packs = BoardPack.objects.filter(version_id=version_id).select_related(
        "version__meeting"
    )
    return [compile_board_pack(pack=pack).status for pack in packs]


@task()
def purge_annotations_task() -> dict:
    """Purge members' private annotations past their bodies' policy (daily)."""
    from meetings.services.annotations import purge_annotations

    report = purge_annotations()
    return {"purged": report.purged, "held_meetings": report.held_meetings}
