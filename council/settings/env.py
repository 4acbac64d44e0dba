"""Every environment variable Quorum reads, in one place, with typed helpers.

The defaults are the embedded setup: SQLite and files under the checkout, no
server to install. Production settings tighten what is allowed to default.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip() or default


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def database_config() -> dict:
    """`DATABASE_URL`, or a SQLite file under var/."""
    default_url = f"sqlite:///{VAR_DIR / 'quorum.sqlite3'}"
    url = env_str("DATABASE_URL", default_url)
    if url.startswith("sqlite"):
        VAR_DIR.mkdir(exist_ok=True)
    config = dj_database_url.parse(
        url, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0)
    )
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets the web server read while the task worker writes.
        config["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    return config


def dev_secret_key() -> str:
    """A key generated once per checkout and kept under var/, never committed."""
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SEARCH_BACKEND_NAMES = ("database", "postgres", "opensearch", "whoosh")


def search_backend_config() -> dict:
    """`QUORUM_SEARCH_BACKEND`: whoosh (default), database, postgres or opensearch.

    `whoosh` is Quorum's embedded index, in `QUORUM_SEARCH_INDEX_DIR` (default
    var/search-index). `database` picks SQLite FTS5 or PostgreSQL full-text
    search to match the database; `postgres` insists on PostgreSQL's.
    """
    name = env_str("QUORUM_SEARCH_BACKEND", "whoosh")
    if name == "database":
        backend = {"BACKEND": "modelsearch.backends.database"}
    elif name == "postgres":
        backend = {"BACKEND": "modelsearch.backends.database.postgres.postgres"}
    elif name == "opensearch":
        backend = {
            "BACKEND": "modelsearch.backends.opensearch2",
            "URLS": env_list("OPENSEARCH_URLS", ["http://127.0.0.1:9200"]),
            "INDEX_PREFIX": env_str("OPENSEARCH_INDEX_PREFIX", "quorum_"),
            "TIMEOUT": env_int("OPENSEARCH_TIMEOUT", 10),
        }
    elif name == "whoosh":
        backend = {
            "BACKEND": "search.backends.whoosh",
            "PATH": env_str("QUORUM_SEARCH_INDEX_DIR", str(VAR_DIR / "search-index")),
        }
    else:
        raise ValueError(
            f"QUORUM_SEARCH_BACKEND={name!r} is not one of {list(SEARCH_BACKEND_NAMES)}"
        )
    return {"default": backend}


def storage_config(media_root: Path) -> dict:
    """`QUORUM_STORAGE`: local (default, files under MEDIA_ROOT) or s3."""
    name = env_str("QUORUM_STORAGE", "local")
    if name == "local":
        default = {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(media_root)},
        }
    elif name == "s3":
        default = {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": env_str("QUORUM_S3_BUCKET", "quorum"),
                "endpoint_url": env_str("QUORUM_S3_ENDPOINT_URL") or None,
                "region_name": env_str("QUORUM_S3_REGION", "us-east-1"),
                "access_key": env_str("QUORUM_S3_ACCESS_KEY_ID") or None,
                "secret_key": env_str("QUORUM_S3_SECRET_ACCESS_KEY") or None,
                # Files are served through views that check visibility, never
                # by a public bucket URL.
                "default_acl": "private",
                "querystring_auth": True,
                "file_overwrite": False,
                # A file opened for reading is downloaded into a spooled
                # temporary file; the default (0) never spills it to disk, so
                # a 500 MB record read by a download or a fixity check would
                # sit whole in memory.
                "max_memory_size": 8 * 1024 * 1024,
            },
        }
    else:
        raise ValueError(f"QUORUM_STORAGE={name!r} is not one of ['local', 's3']")
    return {
        "default": default,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }
