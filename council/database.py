"""Upkeep of the database itself."""

from __future__ import annotations

from django.db import connection


def refresh_planner_statistics() -> None:
    """Refresh the statistics the database's query planner chooses indexes
    by. SQLite has none until ANALYZE runs, and then guesses that any index
    narrows a search to a few rows: fetching a page of ten search results by
    id and type read the whole type index (80 ms at 200,000 documents
    instead of 0.3 ms). PostgreSQL's autovacuum also analyses; doing it
    after a bulk load just does not wait for it."""
    if connection.vendor in ("sqlite", "postgresql"):
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
