"""Attachments (顺手拍): files uploaded before the command that references them, kept by content in the blob
directory (``GRIDLEDGER_BLOB_DIR``), served only to whoever may read something that references them.

Which aggregates reference which file is a table written in the referencing command's own transaction
(``record_references``, called by the command path before it saves), not a read model: a file is readable
by the case's readers the moment the command's answer names it (a read model would lag, and on PostgreSQL
stop with its worker), and a command naming a file nobody uploaded is refused (422) before anything is
saved -- which a read model, seeing events only once stored, could not do. Nothing earlier needs replaying
into it: before uploads existed no file could be kept, so no stored event references one that can be served.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, text

from application.attachment_content import EXTENSIONS, PDF, cleaned, sniff, thumbnail
from application.blob_store import BlobStore
from application.errors import InvalidReference, NotFound
from application.staff import StaffMember
from projections.storage.tables import attachment_references, attachment_uploads, attachments

if TYPE_CHECKING:
    from application.ledger import GridLedger

MAX_SIZE = 10 * 1024 * 1024
THUMBNAIL = "thumb320.jpg"
logger = logging.getLogger(__name__)

_KEEP = text(
    f"INSERT INTO {attachments.name} (sha256, content_type, size, filename, stored_at) "
    "VALUES (:sha256, :content_type, :size, :filename, :now) ON CONFLICT (sha256) DO NOTHING"
)
_UPLOADED = text(
    f"INSERT INTO {attachment_uploads.name} (sha256, uploaded_by, uploaded_at) "
    "VALUES (:sha256, :staff_id, :now) ON CONFLICT (sha256, uploaded_by) DO NOTHING"
)
_REFERENCED = text(
    f"INSERT INTO {attachment_references.name} (sha256, aggregate_id) "
    "VALUES (:sha256, :aggregate_id) ON CONFLICT (sha256, aggregate_id) DO NOTHING"
)


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    content_type: str
    filename: str
    size: int
    path: Path

    @property
    def is_image(self) -> bool:
        return self.content_type != PDF


class Attachments:
    def __init__(self, ledger: GridLedger) -> None:
        self._ledger = ledger
        self.store = BlobStore(ledger.settings.blob_directory())

    def upload(self, staff: StaffMember, filename: str | None, data: bytes) -> dict[str, Any]:
        """Keep the file (an image without its metadata) and answer what a case's ``attachments`` names."""
        self._ledger.case_policy.check_upload(staff)
        sent_as = sniff(data)
        kept, content_type = cleaned(data, sent_as)
        digest = self.store.put(kept)  # first: a row never names a file that is not there
        name = filename or f"{digest[:12]}.{EXTENSIONS[content_type]}"
        if content_type != sent_as:  # a HEIC photo kept as JPEG: IMG_0001.HEIC → IMG_0001.jpg
            name = f"{Path(name).stem or digest[:12]}.{EXTENSIONS[content_type]}"
        with self._ledger.datastore.transaction(commit=True) as session:
            now = self._ledger.clock()
            values = {"sha256": digest, "content_type": content_type, "size": len(kept), "filename": name}
            session.execute(_KEEP, {**values, "now": now})
            session.execute(_UPLOADED, {"sha256": digest, "staff_id": staff.id, "now": now})
        return values

    def read(self, staff: StaffMember, digest: str) -> StoredFile:
        """The file, if ``staff`` may read a case that references it, or uploaded it and nothing references
        it yet; NotFound otherwise (whether it exists is nobody else's business)."""
        with self._ledger.datastore.transaction(commit=False) as session:
            row = session.execute(select(attachments).where(attachments.c.sha256 == digest)).first()
            referrers = session.scalars(
                select(attachment_references.c.aggregate_id).where(attachment_references.c.sha256 == digest)
            ).all()
            uploaded = session.execute(
                select(attachment_uploads.c.sha256).where(
                    attachment_uploads.c.sha256 == digest, attachment_uploads.c.uploaded_by == staff.id
                )
            ).first()
        if row is None or not (self._reads_one(staff, referrers) if referrers else uploaded):
            raise NotFound(f"no attachment '{digest}'")
        path = self.store.path(digest)
        if not path.exists():
            logger.error("attachment %s is in the database but not in %s", digest, self.store.directory)
            raise NotFound(f"no attachment '{digest}'")
        return StoredFile(digest, row.content_type, row.filename, row.size, path)

    def thumbnail(self, staff: StaffMember, digest: str) -> Path:
        """The image's thumbnail (made on first asking, then kept beside it); NotFound for a PDF."""
        stored = self.read(staff, digest)
        if not stored.is_image:
            raise NotFound(f"attachment '{digest}' is a PDF: it has no thumbnail")
        path = self.store.derived_path(digest, THUMBNAIL)
        if not path.exists():
            path = self.store.put_derived(digest, THUMBNAIL, thumbnail(stored.path.read_bytes()))
        return path

    def _reads_one(self, staff: StaffMember, aggregate_ids: Iterable[str]) -> bool:
        for aggregate_id in aggregate_ids:
            try:
                case = self._ledger.load_case(aggregate_id)
            except NotFound:
                continue
            if self._ledger.case_policy.may_read(staff, case):
                return True
        return False


def record_references(session: Any, aggregates: Iterable[Any]) -> None:
    """In the command's transaction, before its events are saved: every file its new events name must have been
    uploaded (422 otherwise), and each is noted as referenced by the aggregate."""
    for aggregate in aggregates:
        digests = {item["sha256"] for event in aggregate.pending_events for item in _named_in(event)}
        for digest in sorted(digests):
            if session.execute(select(attachments.c.sha256).where(attachments.c.sha256 == digest)).first() is None:
                raise InvalidReference(
                    "attachments", f"no uploaded file has SHA-256 {digest}: upload it first (POST /attachments)"
                )
            session.execute(_REFERENCED, {"sha256": digest, "aggregate_id": str(aggregate.id)})


def _named_in(event: Any) -> list[dict[str, Any]]:
    """The attachments an event names: its own (a note, a resolution) or its report's (a new case)."""
    report = getattr(event, "report", None)
    named = getattr(event, "attachments", None) or (report.get("attachments") if isinstance(report, dict) else None)
    return [item for item in named or [] if isinstance(item, dict) and "sha256" in item]
