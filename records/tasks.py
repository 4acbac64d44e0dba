"""Background work of the records app (django-tasks)."""

from __future__ import annotations

from django_tasks import task


@task()
def run_scheduled_fixity_check() -> int:
    """Check the records due for a fixity check; return the problems found.

    Meant for a periodic trigger (cron or a scheduler enqueuing it nightly);
    each run re-reads only the records not checked for
    QUORUM_FIXITY_MAX_AGE_DAYS, so the whole store is covered over that period.
    """
    from records.fixity import run_fixity_check

    return run_fixity_check().problem_count
