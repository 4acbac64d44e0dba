from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def isolated_files(settings, tmp_path):
    """Every test writes media (and, later, the search index) under tmp_path."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    return tmp_path


def pytest_report_header(config):
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    return f"Quorum test database: {engine}"
