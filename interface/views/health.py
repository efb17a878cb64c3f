"""Liveness and readiness, outside the API's base path."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify
from sqlalchemy import text

from interface.context import services
from interface.endpoint import endpoint
from interface.schemas.health import LivenessSchema, ReadinessSchema

blueprint = Blueprint("health", __name__)


@blueprint.get("/healthz")
@endpoint(response=LivenessSchema)
def healthz() -> Response:
    """The process is alive."""
    return jsonify({"status": "ok"})


@blueprint.get("/readyz")
@endpoint(response=ReadinessSchema, unavailable=ReadinessSchema)
def readyz() -> tuple[Response, int]:
    """The database answers, no projection has stopped, the in-process worker (if any) lives, and events do
    not wait without a worker that has beaten recently (GRIDLEDGER_WORKER_STALE_SECONDS); else 503."""
    running = services().projections
    try:
        with services().ledger.datastore.transaction(commit=False) as session:
            session.execute(text("SELECT 1"))
        readiness = running.readiness()
    except Exception as error:  # noqa: BLE001 - any failure means not ready
        return jsonify({"status": "unavailable", "database": str(error).splitlines()[0]}), 503
    worker_dead = running.worker.thread is not None and not running.running
    problem = "projection worker stopped" if worker_dead else readiness.problem
    body = {"database": "ok", **readiness.as_dict()}
    if problem:
        return jsonify({**body, "status": "unavailable", "problem": problem}), 503
    return jsonify({**body, "status": "ready"}), 200
