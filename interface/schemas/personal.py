"""Fields for personal information (PIPL): ID numbers and phones, checked with the domain's own rules."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields

from domain.personal_data import id_number_problem, phone_problem


def _id_number_rule(value: str) -> None:
    if problem := id_number_problem(value):
        raise ValidationError(problem)


def _phone_rule(value: str) -> None:
    if problem := phone_problem(value):
        raise ValidationError(problem)


def id_number(**kwargs: Any) -> fields.String:
    """A resident ID number: 18 characters, a real date of birth, the GB 11643 check digit."""
    return fields.String(validate=_id_number_rule, metadata={"example": "11010519491231002X"}, **kwargs)


def phone(**kwargs: Any) -> fields.String:
    """A mainland mobile or landline number (13812345678, 0793-7361234), perhaps after +86."""
    return fields.String(validate=_phone_rule, metadata={"example": "13812345678"}, **kwargs)
