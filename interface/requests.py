"""Turning a request into validated arguments: JSON body, query string and command headers."""

from __future__ import annotations

import json
import re
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app, request
from marshmallow import Schema, ValidationError
from werkzeug.exceptions import RequestEntityTooLarge

from application.idempotency import IdempotencyKey
from interface.problems import Problem, validation_problem
from interface.schemas.base import LocalDateTime

# Up to 18 digits: every version fits a signed 64-bit integer, and longer runs cost a big-int parse.
MULTIPART_ALLOWANCE = 64 * 1024  # the form's boundaries and part headers around the file
IF_MATCH = re.compile(r'^(?:W/)?"?(\d{1,18})"?$')


def json_body() -> Any:
    """The request's JSON body ({} when empty); malformed JSON is a 400, a body over the limit a 413."""
    raw = _body()
    if not raw.strip():
        return {}
    try:
        return json.loads(raw, parse_constant=_not_json)
    except (ValueError, UnicodeDecodeError) as error:
        raise Problem(
            400, "Malformed JSON", f"The request body is not valid JSON: {error}", kind="malformed-json"
        ) from error
    except RecursionError as error:
        raise Problem(400, "Malformed JSON", "The request body is nested too deeply.", kind="malformed-json") from error


def _body() -> bytes:
    """The body however it arrives, refused (413) when longer than ``MAX_CONTENT_LENGTH``.

    A body with Content-Length over the limit is refused by Werkzeug before it is read. A chunked one has no
    length: Werkzeug reads it up to the limit and stops there without a word, so a longer body would be
    processed cut short. Whether anything follows the limit is asked of the server's own stream.
    """
    raw = request.get_data(cache=True)
    limit = request.max_content_length
    stopped_at_limit = request.content_length is None and limit is not None and len(raw) >= limit
    if stopped_at_limit and request.environ["wsgi.input"].read(1):
        raise RequestEntityTooLarge()
    return raw


def uploaded_file(field: str, limit: int) -> tuple[str | None, bytes]:
    """The one file of a multipart/form-data body (its name as sent, its bytes): 415 for another kind of body,
    422 when the field is missing or others are sent, 413 over ``limit`` bytes (however the body arrives)."""
    request.max_content_length = limit + MULTIPART_ALLOWANCE
    if request.mimetype != "multipart/form-data":
        raise Problem(
            415,
            "Unsupported media type",
            f"Send the file as multipart/form-data in the field '{field}'.",
            kind="unsupported-media-type",
        )
    _body()  # read whole first (413 however it arrives), so that the form is parsed from memory, never cut short
    files, form = request.files, request.form
    unknown = (set(files) | set(form)) - {field}
    if unknown or field not in files:
        errors: dict[str, Any] = {name: ["Unknown field."] for name in sorted(unknown)}
        if field not in files:
            errors[field] = ["Missing file."]
        raise validation_problem(errors)
    data = files[field].read(limit + 1)
    if len(data) > limit:
        raise RequestEntityTooLarge(f"The file is larger than {limit} bytes.")
    return files[field].filename, data


def _not_json(constant: str) -> Any:
    """Python's parser takes NaN and Infinity; JSON (RFC 8259) has neither."""
    raise ValueError(f"{constant} is not a JSON value")


def load(schema: Schema, data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise validation_problem({"_schema": ["The body must be a JSON object."]})
    try:
        return schema.load(data)
    except ValidationError as error:
        raise validation_problem(
            error.messages if isinstance(error.messages, dict) else {"_schema": error.messages}
        ) from error


def query_args() -> dict[str, str]:
    """The query string, one value per name."""
    return request.args.to_dict()


def loaded_schema(schema_class: type[Schema]) -> Schema:
    """Schemas are built once per app (date fields need the configured time zone)."""
    cache = current_app.extensions.setdefault("gridledger.schemas", {})
    if schema_class not in cache:
        schema = schema_class()
        zone = current_app.config["GRIDLEDGER_TIMEZONE"]
        for field in schema.fields.values():
            if isinstance(field, LocalDateTime):
                field.zone = ZoneInfo(zone)
        cache[schema_class] = schema
    return cache[schema_class]


def expected_version() -> int | None:
    """The version demanded by ``If-Match`` (``"7"``), or None when absent or ``*``."""
    header = request.headers.get("If-Match")
    if header is None or header.strip() == "*":
        return None
    match = IF_MATCH.match(header.strip())
    if not match:
        raise Problem(
            400, "Malformed If-Match", 'If-Match must be a version ETag such as "7".', kind="malformed-header"
        )
    return int(match.group(1))


def idempotency_key(command: str, target: str | None, body: Any) -> IdempotencyKey | None:
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    key = key.strip()
    if not 1 <= len(key) <= 200:
        raise Problem(
            400, "Malformed Idempotency-Key", "Idempotency-Key must be 1-200 characters.", kind="malformed-header"
        )
    return IdempotencyKey.for_request(key, command, target, body)
