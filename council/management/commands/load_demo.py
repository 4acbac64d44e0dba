from __future__ import annotations

from importlib import import_module

from django.core.management.base import BaseCommand

from council.database import refresh_planner_statistics
from council.models import Body
from search.services import bulk_loading

# One demo module per domain, loaded in this order (later ones build on
# the bodies, people and users of earlier ones).
DEMO_MODULES = ["council.demo", "meetings.demo", "records.demo"]


class Command(BaseCommand):
    help = "Load the demo city of Port Alder (deterministic; for trying Quorum out)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already holds a body.",
        )

    def handle(self, *args, if_empty: bool = False, **options):
        if if_empty and Body.objects.exists():
            self.stdout.write("The database already holds data: demo not loaded.")
            return
        with bulk_loading():
            for module_name in DEMO_MODULES:
                self.stdout.write(f"Loading {module_name} …")
                import_module(module_name).load()
            self.stdout.write("Building the search index …")
        refresh_planner_statistics()
        self.stdout.write(self.style.SUCCESS("The demo city of Port Alder is loaded."))
