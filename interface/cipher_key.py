"""Which key protects residents' personal data when the server starts.

On PostgreSQL the server refuses to start without GRIDLEDGER_CIPHER_KEY (residents' names, phones and ID numbers
would be stored in clear and could never be erased) unless GRIDLEDGER_ALLOW_PLAINTEXT=1 says that is meant. The
demo on SQLite makes a key file beside a new database (``gridledger.db.key``); every command uses it from then on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import click
from eventsourcing.cipher import AESCipher

from application.settings import Settings, key_file_of


def with_cipher_key(settings: Settings, *, demo: bool, echo: Callable[[str], None]) -> Settings:
    """``settings`` with the key to use (a new demo database gets a key file); refuses plaintext on PostgreSQL
    unless allowed."""
    if settings.cipher_key:
        return settings
    if settings.database_url.startswith("postgresql"):
        if settings.allow_plaintext:
            echo("GRIDLEDGER_ALLOW_PLAINTEXT=1: residents' personal data is stored in clear and cannot be erased")
            return settings
        raise click.ClickException(
            "GRIDLEDGER_CIPHER_KEY is not set: residents' personal data would be stored in clear and could not be "
            "erased. Set it (base64 of 16, 24 or 32 random bytes), or GRIDLEDGER_ALLOW_PLAINTEXT=1 to accept that."
        )
    key_file = key_file_of(settings.database_url)
    if not demo or key_file is None or key_file.with_suffix("").exists():
        return settings  # SQLite outside the demo, or a database made without a key: personal data in clear
    key = AESCipher.create_key(32)
    key_file.touch(mode=0o600)
    key_file.write_text(key + "\n")
    echo(f"created {key_file}: the key of residents' personal data (keep it secret, and with the database)")
    return replace(settings, cipher_key=key)
