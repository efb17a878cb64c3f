"""``GET /api/v1/audit/head``: the hash chain's head, for auditors to write down (tamper evidence)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from interface.anchors import Anchor
from interface.auth import current_staff
from interface.context import services
from interface.endpoint import endpoint
from interface.schemas.answers import AnchorSchema

blueprint = Blueprint("audit_head", __name__)


@blueprint.get("/audit/head")
@endpoint(direct=True, response=AnchorSchema)
def head() -> Response:
    """The last chained event's position and hash, and when they were read (auditors and admins)."""
    ledger = services().ledger
    ledger.read_policy.check_operates(current_staff())
    return jsonify(Anchor.read(ledger).as_json(ledger.local_zone))
