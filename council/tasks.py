from __future__ import annotations

from django_tasks import task


@task()
def refresh_planner_statistics_task() -> None:
    from council.database import refresh_planner_statistics

    refresh_planner_statistics()
