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
    """The database answers and no projection has stopped (nor the in-process worker died); else 503."""
    running = services().projections
    try:
        with services().ledger.datastore.transaction(commit=False) as session:
            session.execute(text("SELECT 1"))
        statuses = running.engine.statuses()
    except Exception as error:  # noqa: BLE001 - any failure means not ready
        return jsonify({"status": "unavailable", "database": str(error).splitlines()[0]}), 503
    stopped = {s.name: s.error for s in statuses if s.status != "running"}
    worker_dead = running.worker.thread is not None and not running.running
    body = {"database": "ok",
            "projections": {s.name: {"status": s.status, "lag": s.lag, "error": s.error} for s in statuses}}
    if stopped or worker_dead:
        body.update(status="unavailable", problem="projection worker stopped" if worker_dead else
                    "projections stopped: " + "; ".join(f"{name}: {error}" for name, error in stopped.items()))
        return jsonify(body), 503
    return jsonify({**body, "status": "ready"}), 200
