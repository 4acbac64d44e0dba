"""Django for a benchmark: Quorum's base settings on the benchmark's own
SQLite database (set up as Quorum's, council/settings/env.py), tasks run
at once, quiet logs."""

from __future__ import annotations

from pathlib import Path


def configure_django(database: Path, *, log_level: str, **overrides) -> None:
    import django
    from django.conf import settings

    from council.settings import base

    values = {name: getattr(base, name) for name in dir(base) if name.isupper()}
    values.update(
        DEBUG=False,
        SECRET_KEY="benchmark-only-not-a-secret-0123456789abcdefghijklmnopqrst",
        DATABASES={
            "default": {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": str(database),
                "OPTIONS": {
                    "init_command": (
                        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                    ),
                    "transaction_mode": "IMMEDIATE",
                    "timeout": 20,
                },
            }
        },
        TASKS={
            "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
        },
        LOGGING={
            "version": 1,
            "disable_existing_loggers": False,
            "handlers": {"console": {"class": "logging.StreamHandler"}},
            "root": {"handlers": ["console"], "level": log_level},
        },
    )
    values.update(overrides)
    settings.configure(**values)
    django.setup()
