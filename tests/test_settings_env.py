"""Configuration by environment variables, with embedded defaults."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from council.settings import env

ROOT = Path(__file__).resolve().parent.parent


def test_database_defaults_to_sqlite_under_var(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)

    config = env.database_config()

    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert Path(config["NAME"]).parent == ROOT / "var"


def test_database_url_selects_postgresql(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://quorum:pw@db.internal:5433/quorum")

    config = env.database_config()

    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"]) == (
        "db.internal",
        5433,
        "quorum",
    )


def test_search_backend_choice(monkeypatch):
    monkeypatch.setenv("QUORUM_SEARCH_BACKEND", "opensearch")
    monkeypatch.setenv("OPENSEARCH_URLS", "https://a:9200,https://b:9200")

    config = env.search_backend_config()["default"]

    assert config["BACKEND"] == "modelsearch.backends.opensearch2"
    assert config["URLS"] == ["https://a:9200", "https://b:9200"]
    monkeypatch.setenv("QUORUM_SEARCH_BACKEND", "solr")
    with pytest.raises(ValueError, match="QUORUM_SEARCH_BACKEND"):
        env.search_backend_config()


def test_the_database_search_backend_follows_the_database(monkeypatch):
    monkeypatch.setenv("QUORUM_SEARCH_BACKEND", "database")

    config = env.search_backend_config()["default"]

    assert config == {"BACKEND": "modelsearch.backends.database"}


def test_whoosh_is_the_default_with_its_index_under_var(monkeypatch, tmp_path):
    monkeypatch.delenv("QUORUM_SEARCH_BACKEND", raising=False)
    monkeypatch.delenv("QUORUM_SEARCH_INDEX_DIR", raising=False)

    config = env.search_backend_config()["default"]

    assert config == {
        "BACKEND": "search.backends.whoosh",
        "PATH": str(ROOT / "var" / "search-index"),
    }
    monkeypatch.setenv("QUORUM_SEARCH_INDEX_DIR", str(tmp_path / "index"))
    assert env.search_backend_config()["default"]["PATH"] == str(tmp_path / "index")


def test_storage_choice(monkeypatch, tmp_path):
    monkeypatch.setenv("QUORUM_STORAGE", "s3")
    monkeypatch.setenv("QUORUM_S3_BUCKET", "records")
    monkeypatch.setenv("QUORUM_S3_ENDPOINT_URL", "http://127.0.0.1:9000")

    config = env.storage_config(tmp_path)["default"]

    assert config["BACKEND"] == "storages.backends.s3.S3Storage"
    assert config["OPTIONS"]["bucket_name"] == "records"
    assert config["OPTIONS"]["default_acl"] == "private"
    monkeypatch.setenv("QUORUM_STORAGE", "ftp")
    with pytest.raises(ValueError, match="QUORUM_STORAGE"):
        env.storage_config(tmp_path)


def test_lists_and_booleans(monkeypatch):
    monkeypatch.setenv("ALLOWED_HOSTS", " council.example , www.council.example ")
    monkeypatch.setenv("DEBUG", "off")

    assert env.env_list("ALLOWED_HOSTS", []) == [
        "council.example",
        "www.council.example",
    ]
    assert env.env_bool("DEBUG", True) is False


def test_dev_secret_key_is_generated_once_and_kept(monkeypatch, tmp_path):
    monkeypatch.setattr(env, "VAR_DIR", tmp_path)

    first = env.dev_secret_key()

    assert len(first) >= 50
    assert env.dev_secret_key() == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def load_production_settings(**environ) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=base | {"DJANGO_SETTINGS_MODULE": "council.settings.production"} | environ,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_a_real_secret_key():
    result = load_production_settings()

    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_production_refuses_to_start_with_debug_on():
    result = load_production_settings(SECRET_KEY="x" * 50, DEBUG="1")

    assert result.returncode != 0
    assert "DEBUG" in result.stderr


def test_production_starts_with_a_real_secret_key():
    result = load_production_settings(SECRET_KEY="k" * 50)

    assert result.returncode == 0, result.stderr
