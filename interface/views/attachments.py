"""Attachments (顺手拍): upload a photo or PDF, then name it in a case's ``attachments``; read it back (and an
image's thumbnail) as someone who may read a case that names it."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from flask import Blueprint, Response, jsonify

from application.attachment_content import KEPT_TYPES
from application.attachments import MAX_SIZE
from application.staff import StaffMember
from interface.auth import current_staff
from interface.context import services
from interface.endpoint import endpoint
from interface.schemas.attachments import StoredAttachmentSchema
from interface.unsafe_text import without_unsafe_text

blueprint = Blueprint("attachments", __name__, url_prefix="/attachments")
CACHING = "private, max-age=86400"  # the content under a hash never changes; only its readers may keep it


@blueprint.post("")
@endpoint(upload="file", upload_limit=MAX_SIZE, response=StoredAttachmentSchema, status=201)
def upload(upload: tuple[str | None, bytes]) -> Response:
    """Upload a photo (JPEG, PNG, HEIC, WebP) or PDF of at most 10 MB; images lose their EXIF before storage."""
    filename, data = upload
    stored = services().ledger.attachments.upload(current_staff(), clean_name(filename), data)
    response = jsonify(stored)
    response.status_code = 201
    return response


@blueprint.get("/<sha256>")
@endpoint(direct=True, media_types=KEPT_TYPES)
def read(sha256: str) -> Response:
    """The file, to whoever may read a case that references it (or uploaded it, until a case does)."""
    return file_answer(current_staff(), sha256)


@blueprint.get("/<sha256>/thumbnail")
@endpoint(direct=True, media_types=("image/jpeg",))
def thumbnail(sha256: str) -> Response:
    """An image's thumbnail: a JPEG at most 320 pixels on its longer side (none for a PDF)."""
    return thumbnail_answer(current_staff(), sha256)


def file_answer(staff: StaffMember, sha256: str) -> Response:
    """The file as ``staff`` may read it (NotFound otherwise); the console serves it the same way."""
    stored = services().ledger.attachments.read(staff, sha256)
    return _served(stored.path, stored.content_type, stored.filename, inline=stored.is_image)


def thumbnail_answer(staff: StaffMember, sha256: str) -> Response:
    """The image's thumbnail as ``staff`` may read it (NotFound otherwise, and for a PDF)."""
    path = services().ledger.attachments.thumbnail(staff, sha256)
    return _served(path, "image/jpeg", f"{sha256[:12]}-thumbnail.jpg", inline=True)


def _served(path: Path, content_type: str, filename: str, *, inline: bool) -> Response:
    """Images shown in place; a PDF (which may carry scripts) downloaded."""
    response = Response(path.read_bytes(), mimetype=content_type)  # at most 10 MB: read whole, nothing left open
    response.headers.set("Content-Disposition", "inline" if inline else "attachment", **_filename(filename))
    response.headers["Cache-Control"] = CACHING
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _filename(name: str) -> dict[str, str]:
    """RFC 6266: an ASCII stand-in, and the name itself (often Chinese) encoded as RFC 8187 says."""
    ascii_name = name.encode("ascii", "ignore").decode().replace('"', "")
    if not ascii_name.rsplit(".", 1)[0].strip():  # 现场.jpg → .jpg: a name of its extension alone
        ascii_name = f"attachment{ascii_name}"
    return (
        {"filename": ascii_name}
        if ascii_name == name
        else {"filename": ascii_name, "filename*": f"UTF-8''{quote(name)}"}
    )


def clean_name(filename: Any) -> str | None:
    """The name as sent, without a path or characters no store can hold, at most 255 characters; None if empty."""
    if not isinstance(filename, str):
        return None
    name = without_unsafe_text(filename.replace("\\", "/").rsplit("/", 1)[-1]).strip()[:255].strip()
    return name or None
