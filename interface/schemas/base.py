"""The base schema and the field types shared by all request schemas."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from marshmallow import RAISE, Schema, ValidationError, fields, pre_load, validate

from interface.unsafe_text import UNSAFE_TEXT_MESSAGE, has_unsafe_text


class RequestSchema(Schema):
    """Every request schema refuses fields it does not know, and text no store or export can hold."""

    class Meta:
        unknown = RAISE

    @pre_load
    def _refuse_unsafe_text(self, data: Any, **_: Any) -> Any:
        """Checks this level's strings and lists of strings; nested objects are checked by their own schema."""
        if not isinstance(data, dict):
            return data
        errors = {key: [UNSAFE_TEXT_MESSAGE] for key, value in data.items() if isinstance(key, str) and _unsafe(value)}
        if errors:
            raise ValidationError(errors)
        return data


class ReadSchema(RequestSchema):
    """The query string of every read: at least ``min_position`` (read-your-writes, see API.md)."""

    min_position = fields.Integer(
        validate=validate.Range(min=0), metadata={"description": "wait until the answer includes this position"}
    )


def _unsafe(value: Any) -> bool:
    if isinstance(value, str):
        return has_unsafe_text(value)
    return isinstance(value, list) and any(isinstance(item, str) and has_unsafe_text(item) for item in value)


class LocalDateTime(fields.Field):
    """An ISO 8601 date-time; one without an offset is local time (Asia/Shanghai unless configured).

    A plain date stands for a moment of that day in local time, as API.md's first paragraph says: its start
    in a lower bound (``LowerBound``: ``from``, ``created_from``, ``start_date``) and its end everywhere else
    (``UpperBound``: ``to``, ``created_to``, ``as_of``, ``due_at``, ``deadline``, ``until``). Schemas use those
    two kinds, never this base, so every field says which it is.
    """

    default_error_messages = {
        "invalid": "Not a valid ISO 8601 date or date-time.",
        "range": "Must lie between the years 1900 and 9998.",
    }
    years = range(1900, 9999)  # year 1 or 9999 in local time would overflow when turned into UTC
    plain_date_means = dt.time.max  # the end of the day

    def __init__(self, *, zone: str = "Asia/Shanghai", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.zone = ZoneInfo(zone)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> dt.datetime:
        if not isinstance(value, str):
            raise self.make_error("invalid")
        try:
            moment = self._plain_date(value) or dt.datetime.fromisoformat(value)
        except ValueError as error:
            raise self.make_error("invalid") from error
        if moment.year not in self.years:
            raise self.make_error("range")
        return moment if moment.tzinfo else moment.replace(tzinfo=self.zone)

    def _plain_date(self, value: str) -> dt.datetime | None:
        """A date alone (``2026-12-01``) as the moment of that local day this kind of bound means."""
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            return None  # a date-time, or nothing valid (which datetime.fromisoformat then says)
        return dt.datetime.combine(day, self.plain_date_means, tzinfo=self.zone)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else value.isoformat()


class LowerBound(LocalDateTime):
    """A date-time where a plain date means the start of that day: ``from=2026-12-01`` includes the 1st."""

    plain_date_means = dt.time.min


class UpperBound(LocalDateTime):
    """A date-time where a plain date means the end of that day: ``to=2026-12-01`` includes the 1st."""

    plain_date_means = dt.time.max


def text(max_length: int = 2000, **kwargs: Any) -> fields.String:
    """A non-blank string of bounded length."""
    return fields.String(validate=[validate.Length(min=1, max=max_length), _not_blank], **kwargs)


def _not_blank(value: str) -> None:
    if not value.strip():
        raise ValidationError("Must not be blank.")


def one_of(values: Any, **kwargs: Any) -> fields.String:
    choices = [str(v) for v in values]
    return fields.String(validate=validate.OneOf(choices), metadata={"enum": choices}, **kwargs)


class AttachmentSchema(RequestSchema):
    sha256 = fields.String(
        required=True, validate=validate.Regexp(r"^[0-9a-f]{64}$", error="Must be 64 lowercase hex digits.")
    )
    filename = text(255, required=True)
    content_type = text(100, required=True)


def attachments() -> fields.List:
    return fields.List(fields.Nested(AttachmentSchema), validate=validate.Length(max=20))
