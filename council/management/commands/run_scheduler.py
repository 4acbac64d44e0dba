from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from council.scheduling import PERIODIC_TASKS, enqueue_due_tasks


class Command(BaseCommand):
    help = (
        "Enqueue the periodic tasks (fixity checks, the disposal list) when due; "
        "runs until stopped, or once with --once (for cron)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true")
        parser.add_argument(
            "--interval", type=int, default=60, help="Seconds between looks."
        )

    def handle(self, *args, once: bool, interval: int, **options):
        names = ", ".join(f"{p.name} (every {p.every})" for p in PERIODIC_TASKS)
        self.stdout.write(f"Periodic tasks: {names or 'none'}")
        while True:
            for name in enqueue_due_tasks():
                self.stdout.write(f"Enqueued {name}")
            if once:
                return
            time.sleep(interval)
