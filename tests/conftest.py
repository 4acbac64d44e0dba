from __future__ import annotations

import os
import uuid

import pytest

# Shared fixtures for every test module: a held meeting (meetings_support);
# a published meeting with its members for the reader (members_support);
# a search index under tmp_path (search_support).
pytest_plugins = [
    "tests.meetings_support",
    "tests.members_support",
    "tests.search_support",
]


@pytest.fixture(autouse=True)
def isolated_files(settings, tmp_path):
    """Every test writes media (and, later, the search index) under tmp_path.

    Under `python -m tests.support.throwaway_s3` (QUORUM_STORAGE=s3) the S3
    storage the settings built from the environment is kept, so the same
    tests exercise it; each test gets a fresh key prefix in the bucket
    (S3Storage's `location`) instead of a fresh directory.
    """
    settings.MEDIA_ROOT = tmp_path / "media"
    if os.environ.get("QUORUM_STORAGE") == "s3":
        default = settings.STORAGES["default"]
        options = {**default["OPTIONS"], "location": f"tests/{uuid.uuid4().hex}"}
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {**default, "OPTIONS": options},
        }
        return tmp_path
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
    storage = settings.STORAGES["default"]["BACKEND"].rsplit(".", 1)[-1]
    return f"Quorum test database: {engine}, storage: {storage}"


@pytest.fixture
def publish(django_capture_on_commit_callbacks):
    """publish_agenda as a clerk's request does it: the queued pack
    compilation runs when the transaction commits."""
    from meetings.services.publishing import publish_agenda

    def run(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return publish_agenda(**kwargs)

    return run
