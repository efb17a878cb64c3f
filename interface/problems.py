"""Every error as application/problem+json (RFC 9457), mapped in one place."""

from __future__ import annotations

import logging
import re
from typing import Any

from flask import Flask, Response, json
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from application import errors as app_errors
from domain.errors import InvalidCommand, TransitionNotAllowed
from projections.storage.connectivity import connection_problem

PROBLEM_BASE = "https://gridledger.example/problems/"
# How long a client should wait before retrying while the database cannot be reached: about the projection
# worker's longest back-off, so a retry finds the read models moving again too.
DATABASE_RETRY_AFTER_SECONDS = 5
LONE_SURROGATE = re.compile("[\ud800-\udfff]")
logger = logging.getLogger(__name__)


class Problem(Exception):
    """An HTTP problem raised by the interface itself (e.g. a malformed body or header)."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str,
        *,
        kind: str = "bad-request",
        errors: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status, self.title, self.detail, self.kind = status, title, detail, kind
        self.errors, self.headers = errors, headers or {}


def problem_response(problem: Problem) -> Response:
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + problem.kind,
        "title": problem.title,
        "status": problem.status,
        "detail": problem.detail,
    }
    if problem.errors is not None:
        body["errors"] = problem.errors
    # A lone surrogate echoed from the request (say, an unknown field's name) is no character JSON may carry
    # (RFC 8259): it is shown as the replacement character.
    text = LONE_SURROGATE.sub("\ufffd", json.dumps(body, ensure_ascii=False))
    response = Response(text, status=problem.status, mimetype="application/problem+json")
    response.headers.update(problem.headers)
    return response


def validation_problem(errors: dict[str, Any]) -> Problem:
    return Problem(422, "Validation failed", "One or more fields are invalid.", kind="validation", errors=errors)


def _translate(error: Exception) -> Problem:  # noqa: PLR0911 - one branch per mapped error
    if isinstance(error, Problem):
        return error
    if isinstance(error, ValidationError):
        messages = error.messages if isinstance(error.messages, dict) else {"_schema": error.messages}
        return validation_problem(messages)
    if isinstance(error, (InvalidCommand, app_errors.InvalidReference, app_errors.AlreadyExists)):
        return validation_problem({error.field: [error.message]})
    if isinstance(error, app_errors.UnsupportedContent):
        return Problem(415, "Unsupported content", str(error), kind="unsupported-content")
    if isinstance(error, app_errors.NotFound):
        return Problem(404, "Not found", str(error), kind="not-found")
    if isinstance(error, app_errors.Forbidden):
        return Problem(403, "Forbidden", str(error), kind="forbidden")
    if isinstance(error, TransitionNotAllowed):
        return Problem(409, "Command not allowed in this state", str(error), kind="invalid-transition")
    if isinstance(error, app_errors.ConcurrentUpdate):
        return Problem(409, "Concurrent update", str(error), kind="concurrent-update")
    if isinstance(error, app_errors.VersionMismatch):
        return Problem(
            412, "Precondition failed", str(error), kind="version-mismatch", headers={"ETag": f'"{error.actual}"'}
        )
    if isinstance(error, app_errors.IdempotencyKeyReused):
        return Problem(422, "Idempotency key reused", str(error), kind="idempotency-key-reused")
    if connection_problem(error):
        logger.warning("database unavailable: %s", (str(error) or type(error).__name__).splitlines()[0])
        return Problem(
            503,
            "Database unavailable",
            "The database cannot be reached just now. Retry shortly; a command retried with the same "
            "Idempotency-Key is carried out at most once.",
            kind="database-unavailable",
            headers={"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)},
        )
    raise error


def register_problem_handlers(app: Flask) -> None:
    def handle_known(error: Exception) -> Response:
        return problem_response(_translate(error))

    def handle_http(error: HTTPException) -> Response:
        status = error.code or 500
        kind = {404: "not-found", 405: "method-not-allowed", 413: "too-large"}.get(status, "http")
        headers = {"Allow": ", ".join(error.valid_methods)} if getattr(error, "valid_methods", None) else {}
        return problem_response(
            Problem(status, error.name, error.description or error.name, kind=kind, headers=headers)
        )

    def handle_unexpected(error: Exception) -> Response:
        if connection_problem(error):  # the driver's errors, however wrapped: an outage (503), not a bug
            return handle_known(error)
        logger.exception("unhandled error", exc_info=error)
        return problem_response(
            Problem(
                500, "Internal server error", "Something went wrong on our side; nothing was changed.", kind="internal"
            )
        )

    for error_class in (Problem, ValidationError, InvalidCommand, TransitionNotAllowed, app_errors.ApplicationError):
        app.register_error_handler(error_class, handle_known)
    app.register_error_handler(HTTPException, handle_http)
    app.register_error_handler(Exception, handle_unexpected)
