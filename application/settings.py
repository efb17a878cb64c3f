"""Configuration, read from the environment (each variable is documented in README.md) -- and, on SQLite without
GRIDLEDGER_CIPHER_KEY, the key file the demo made beside the database (``gridledger.db.key``)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

DEFAULT_DATABASE_URL = "sqlite:///gridledger.db"
BLOB_DIRECTORY_NAME = "gridledger-blobs"


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    cipher_key: str | None = None
    time_limits_file: str | None = None
    timezone: str = "Asia/Shanghai"
    aggregate_cache_size: int = 10_000
    snapshot_interval: int = 50
    clock_rules_seconds: float = 1.0
    projections_in_process: bool = True
    min_position_wait: float = 3.0
    worker_stale_seconds: float = 30.0
    auth_failures_per_address: int = 100
    auth_failures_per_token_prefix: int = 30
    person_keys: bool = True  # with a cipher key: residents' personal fields encrypted per person (erasable)
    allow_plaintext: bool = False
    blob_dir: str | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> Settings:
        database_url = environ.get("GRIDLEDGER_DATABASE_URL") or DEFAULT_DATABASE_URL
        return cls(
            database_url=database_url,
            cipher_key=environ.get("GRIDLEDGER_CIPHER_KEY") or _key_beside(database_url),
            time_limits_file=environ.get("GRIDLEDGER_TIME_LIMITS") or None,
            timezone=environ.get("GRIDLEDGER_TIMEZONE") or "Asia/Shanghai",
            aggregate_cache_size=int(environ.get("GRIDLEDGER_AGGREGATE_CACHE_SIZE") or 10_000),
            snapshot_interval=int(environ.get("GRIDLEDGER_SNAPSHOT_INTERVAL") or 50),
            clock_rules_seconds=float(environ.get("GRIDLEDGER_CLOCK_RULES_SECONDS") or 1),
            projections_in_process=_flag(
                environ.get("GRIDLEDGER_PROJECTIONS_IN_PROCESS"), default=database_url.startswith("sqlite")
            ),
            min_position_wait=float(environ.get("GRIDLEDGER_MIN_POSITION_WAIT") or 3),
            worker_stale_seconds=float(environ.get("GRIDLEDGER_WORKER_STALE_SECONDS") or 30),
            auth_failures_per_address=int(environ.get("GRIDLEDGER_AUTH_FAILURES_PER_ADDRESS") or 100),
            auth_failures_per_token_prefix=int(environ.get("GRIDLEDGER_AUTH_FAILURES_PER_TOKEN_PREFIX") or 30),
            allow_plaintext=_flag(environ.get("GRIDLEDGER_ALLOW_PLAINTEXT"), default=False),
            blob_dir=environ.get("GRIDLEDGER_BLOB_DIR") or None,
        )

    def blob_directory(self) -> Path:
        """Where attachments are kept: ``blob_dir``, or ``gridledger-blobs`` beside the SQLite file (in the working
        directory for PostgreSQL or an in-memory SQLite)."""
        if self.blob_dir:
            return Path(self.blob_dir)
        url = make_url(self.database_url)
        if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
            return Path(url.database).parent / BLOB_DIRECTORY_NAME
        return Path(BLOB_DIRECTORY_NAME)

    def event_store_env(self) -> dict[str, str]:
        """The eventsourcing library's settings for this configuration."""
        env = {
            "PERSISTENCE_MODULE": "application.event_recorder:Factory",
            "SQLALCHEMY_URL": self.database_url,
            "AGGREGATE_CACHE_MAXSIZE": str(self.aggregate_cache_size),
            "IS_SNAPSHOTTING_ENABLED": "y",
            # The event store's tables are made by the schema upgrade, under its lock (application/schema.py).
            "CREATE_TABLE": "no",
        }
        if self.cipher_key:
            env.update(CIPHER_TOPIC="application.fast_cipher:FastAESCipher", CIPHER_KEY=self.cipher_key)
        return env


SQLITE_PREFIX = "sqlite:///"


def key_file_of(database_url: str) -> Path | None:
    """Where the demo keeps the cipher key of a SQLite database: beside it (None for other databases)."""
    if not database_url.startswith(SQLITE_PREFIX) or ":memory:" in database_url:
        return None
    return Path(database_url[len(SQLITE_PREFIX) :] + ".key")


def _key_beside(database_url: str) -> str | None:
    key_file = key_file_of(database_url)
    return key_file.read_text().strip() or None if key_file is not None and key_file.exists() else None


def _flag(value: str | None, *, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")
