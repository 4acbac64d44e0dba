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


@task()
def list_due_records_task() -> int:
    """Put the records past their retention on the disposal queue (nightly)."""
    from records.services.disposition import list_due_records

    return len(list_due_records())


@task()
def execute_disposal_batch_task(batch_id: int) -> str:
    """Execute a batch of disposals approved by two people."""
    from records.models import DisposalBatch
    from records.services.disposition import execute_disposal_batch

    batch = execute_disposal_batch(batch=DisposalBatch.objects.get(pk=batch_id))
    return batch.status
