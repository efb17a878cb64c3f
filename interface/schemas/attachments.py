"""The answer to an upload: what a case's ``attachments`` names."""

from __future__ import annotations

from marshmallow import Schema, fields


class StoredAttachmentSchema(Schema):
    sha256 = fields.String(required=True, metadata={"description": "SHA-256 of the bytes kept (after stripping)"})
    filename = fields.String(required=True)
    content_type = fields.String(
        required=True, metadata={"enum": ["image/jpeg", "image/png", "image/heic", "image/webp", "application/pdf"]}
    )
    size = fields.Integer(required=True, metadata={"description": "bytes kept"})
