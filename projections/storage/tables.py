"""Tables beside the event store that the application writes and the read models read: reference data, bookkeeping."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    false,
)
from sqlalchemy.dialects import postgresql

metadata = MetaData()

# Materialised grid paths ("/county/town/community/") are compared as byte strings: a subtree is the range
# [path, path with its last "/" raised to "0"), and tree order is path order. On PostgreSQL that needs the "C"
# collation whatever the database's default (under ICU or glibc locales "/…/Cy/" sorts inside "/…/cy/"'s range).
# SQLite compares bytes already.
GridPath = Text().with_variant(postgresql.TEXT(collation="C"), "postgresql")

grids = Table(
    "gridledger_grids",
    metadata,
    Column("code", String(64), primary_key=True),
    Column("name", Text, nullable=False),
    Column("level", String(32), nullable=False),
    Column("parent", String(64), ForeignKey("gridledger_grids.code"), nullable=True),
    # Materialised path "/county/town/community/" so a subtree is one prefix match.
    Column("path", GridPath, nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

departments = Table(
    "gridledger_departments",
    metadata,
    Column("code", String(64), primary_key=True),
    Column("name", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

staff = Table(
    "gridledger_staff",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("name", Text, nullable=False),
    Column("role", String(32), nullable=False),
    Column("department", String(64), ForeignKey("gridledger_departments.code"), nullable=True),
    Column("grid", String(64), ForeignKey("gridledger_grids.code"), nullable=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
    # False for an account made before accounts were event-sourced, until it is registered in the store.
    Column("in_store", Boolean, nullable=False, server_default=false()),
)

# Append-only: who held which role and scope from when (to when), for auditors.
staff_roles = Table(
    "gridledger_staff_roles",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("staff_id", String(36), ForeignKey("gridledger_staff.id"), nullable=False),
    Column("role", String(32), nullable=False),
    Column("department", String(64), nullable=True),
    Column("grid", String(64), nullable=True),
    Column("granted_by", String(36), nullable=True),
    Column("valid_from", DateTime(timezone=True), nullable=False),
    Column("valid_to", DateTime(timezone=True), nullable=True),
)
Index("gridledger_staff_roles_staff_idx", staff_roles.c.staff_id, staff_roles.c.valid_from)

# One-time console sign-in codes (``gridledger staff login-link``): only the code's SHA-256 is kept. A code is
# used at most once (``used_at`` set by the one update that wins); rotating or revoking the account deletes the
# codes it has not used.
sign_in_codes = Table(
    "gridledger_sign_in_codes",
    metadata,
    Column("code_hash", String(64), primary_key=True),
    Column("staff_id", String(36), ForeignKey("gridledger_staff.id"), nullable=False),
    Column("issued_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("used_at", DateTime(timezone=True), nullable=True),
)
Index("gridledger_sign_in_codes_staff_idx", sign_in_codes.c.staff_id)

idempotency_keys = Table(
    "gridledger_idempotency_keys",
    metadata,
    Column("staff_id", String(36), primary_key=True),
    Column("key", String(200), primary_key=True),
    Column("fingerprint", String(64), nullable=False),
    Column("case_id", String(36), nullable=False),
    Column("version", Integer, nullable=False),
    Column("position", BigInteger, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

case_counters = Table(
    "gridledger_case_counters",
    metadata,
    Column("day", String(8), primary_key=True),
    Column("last_number", Integer, nullable=False),
)

# The hash chain over the event store (application/event_chain.py): one row per stored event, written in the
# event's own transaction. ``previous`` is the position chained before it (0 for the first), so that an event
# deleted together with its row still leaves a trace.
event_chain = Table(
    "gridledger_event_chain",
    metadata,
    Column("position", BigInteger, primary_key=True, autoincrement=False),
    Column("previous", BigInteger, nullable=False),
    Column("hash", LargeBinary(32), nullable=False),
)

# Per-person keys (crypto-shredding, application/person_keys.py): a person's personal fields in events are encrypted
# with their own key, wrapped by GRIDLEDGER_CIPHER_KEY. ``lookup`` is a keyed hash of an ID number, a phone or a
# household member (never the clear value); one key may have several lookups, one lookup several keys. Erasure
# deletes every row of a key: what was encrypted with it can no longer be read, and the events stay as stored.
person_keys = Table(
    "gridledger_person_keys",
    metadata,
    Column("lookup", String(64), primary_key=True),
    Column("key_id", String(32), primary_key=True),
    Column("wrapped_key", LargeBinary, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_gridledger_person_keys_key_id", "key_id"),
)

# Each key destroyed (its id only): the highest id tells every process to forget the keys it holds in memory.
person_erasures = Table(
    "gridledger_person_erasures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key_id", String(32), nullable=False),
    Column("erased_at", DateTime(timezone=True), nullable=False),
)

# Every keyed lookup (``PersonKeys.lookup``: an HMAC, never the clear value) of a person erased: the identifier the
# erasure was given and each lookup of every key it destroyed. A record stored before per-person keys existed holds
# the person in clear (inside the whole-event encryption); it reads "[已删除]" when any of its lookups is here.
erased_lookups = Table(
    "gridledger_erased_lookups",
    metadata,
    Column("lookup", String(64), primary_key=True),
    Column("erased_at", DateTime(timezone=True), nullable=False),
)


# One counter the database itself moves on (triggers of revisions 0014, 0015) whenever a staff account's row is
# updated or deleted, by the application or by hand, and whenever a person's key is destroyed or a lookup erased: a
# process trusts the tokens, keys and erased lookups it holds in memory for as long as it reads the same generation
# (application/security_generation.py).
security_generation = Table(
    "gridledger_security_generation",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("generation", BigInteger, nullable=False),
)


# Attachments (application/attachments.py): the files kept in the blob directory by SHA-256 of their content,
# who uploaded each, and which aggregates reference each -- written in the referencing command's transaction.
attachments = Table(
    "gridledger_attachments",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("content_type", String(100), nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("filename", Text, nullable=False),  # as first uploaded: the name it is served under
    Column("stored_at", DateTime(timezone=True), nullable=False),
)


def _attachment() -> Column:
    return Column("sha256", String(64), ForeignKey("gridledger_attachments.sha256"), primary_key=True)


attachment_uploads = Table(
    "gridledger_attachment_uploads",
    metadata,
    _attachment(),
    Column("uploaded_by", String(36), primary_key=True),
    Column("uploaded_at", DateTime(timezone=True), nullable=False),
)

attachment_references = Table(
    "gridledger_attachment_references", metadata, _attachment(), Column("aggregate_id", String(36), primary_key=True)
)
