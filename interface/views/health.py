"""Liveness and readiness, outside the API's base path."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify
from sqlalchemy import text

from interface.context import services

blueprint = Blueprint("health", __name__)


@blueprint.get("/healthz")
def healthz() -> Response:
    """The process is alive."""
    return jsonify({"status": "ok"})


@blueprint.get("/readyz")
def readyz() -> tuple[Response, int]:
    """The database answers; 503 when it does not."""
    try:
        with services().ledger.datastore.transaction(commit=False) as session:
            session.execute(text("SELECT 1"))
    except Exception as error:  # noqa: BLE001 - any failure means not ready
        return jsonify({"status": "unavailable", "database": str(error)}), 503
    return jsonify({"status": "ready", "database": "ok"}), 200
