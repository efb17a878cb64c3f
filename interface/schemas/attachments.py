"""The answer to an upload: what a case's ``attachments`` names."""

from __future__ import annotations

from marshmallow import Schema, fields

from application.attachment_content import KEPT_TYPES


class StoredAttachmentSchema(Schema):
    sha256 = fields.String(required=True, metadata={"description": "SHA-256 of the bytes kept (after stripping)"})
    filename = fields.String(required=True)
    content_type = fields.String(
        required=True,
        metadata={"enum": list(KEPT_TYPES), "description": "of the bytes kept: a HEIC photo is kept as JPEG"},
    )
    size = fields.Integer(required=True, metadata={"description": "bytes kept"})
