"""Periodic background work: fixity checks, the nightly disposal list.

django-tasks runs tasks but does not repeat them, so apps register their
periodic tasks here (in their AppConfig.ready) and `manage.py run_scheduler`
enqueues each one when it falls due. The last run is kept in the database
under a row lock, so several app servers running the scheduler, or a cron
job calling `run_scheduler --once`, enqueue each task once per period.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django_tasks.base import Task

from council.models import ScheduledRun

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicTask:
    name: str
    task: Task
    every: datetime.timedelta


PERIODIC_TASKS: list[PeriodicTask] = []


def enqueue_due_tasks(now: datetime.datetime | None = None) -> list[str]:
    """Enqueue every periodic task whose period has passed; return their names."""
    now = now or timezone.now()
    enqueued = []
    for periodic in PERIODIC_TASKS:
        with transaction.atomic():
            run, created = ScheduledRun.objects.select_for_update().get_or_create(
                name=periodic.name, defaults={"last_enqueued_at": now}
            )
            if not created and now - run.last_enqueued_at < periodic.every:
                continue
            run.last_enqueued_at = now
            run.save(update_fields=["last_enqueued_at"])
            transaction.on_commit(periodic.task.enqueue)
        logger.info("Enqueued the periodic task %s.", periodic.name)
        enqueued.append(periodic.name)
    return enqueued
