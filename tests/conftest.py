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


@pytest.fixture
def publish(django_capture_on_commit_callbacks):
    """publish_agenda as a clerk's request does it: the queued pack
    compilation runs when the transaction commits."""
    from meetings.services.publishing import publish_agenda

    def run(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return publish_agenda(**kwargs)

    return run
