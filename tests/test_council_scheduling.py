"""Periodic tasks are enqueued once per period, however many schedulers run."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from council.models import ScheduledRun
from council.scheduling import PERIODIC_TASKS, enqueue_due_tasks
from records.models import FixityCheck

pytestmark = pytest.mark.django_db


def test_records_register_the_fixity_check_and_the_disposal_list():
    assert {p.name for p in PERIODIC_TASKS} >= {
        "records.fixity",
        "records.disposal_list",
    }


def test_each_periodic_task_runs_once_per_period(django_capture_on_commit_callbacks):
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        first = enqueue_due_tasks(now)
        again = enqueue_due_tasks(now + datetime.timedelta(hours=3))
    assert "records.fixity" in first and again == []
    # The enqueued fixity task ran (tasks run at once under test settings).
    assert FixityCheck.objects.count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        next_day = enqueue_due_tasks(now + datetime.timedelta(days=1, minutes=1))
    assert "records.fixity" in next_day
    assert ScheduledRun.objects.get(name="records.fixity").last_enqueued_at > now


def test_the_planner_statistics_are_refreshed_daily(django_capture_on_commit_callbacks):
    """Without statistics SQLite fetched a page of search results by reading
    a whole index; the daily task gives the planner its statistics."""
    assert "council.planner_statistics" in {p.name for p in PERIODIC_TASKS}
    with django_capture_on_commit_callbacks(execute=True):
        assert "council.planner_statistics" in enqueue_due_tasks(timezone.now())

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM sqlite_stat1")
            assert cursor.fetchone()[0] > 0
        else:
            # -1 until the table is first analysed.
            cursor.execute(
                "SELECT reltuples FROM pg_class WHERE relname = 'council_body'"
            )
            assert cursor.fetchone()[0] >= 0
