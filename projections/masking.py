"""Personal data never lands unmasked in a read model (PIPL): phones and ID numbers are masked."""

from __future__ import annotations

from typing import Any

from domain.personal_data import parse_phone


def mask_phone(phone: str) -> str:
    """The first three and last four digits of the number: 138****5678, 079****1234, +86 138****5678;
    an extension is hidden (079****1234-***). A phone stored before phones were checked is masked all the same."""
    parsed = parse_phone(phone)
    if parsed is None:
        return _mask_digits(phone.replace(" ", "").replace("-", ""))
    masked_phone = ("+86 " if parsed.international else "") + _mask_digits(parsed.digits)
    return masked_phone + ("-" + "*" * len(parsed.extension) if parsed.extension else "")


def _mask_digits(digits: str) -> str:
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:] if len(digits) > 7 else "*" * len(digits)


def mask_id_number(number: str) -> str:
    return number[:3] + "*" * (len(number) - 7) + number[-4:] if len(number) > 7 else "*" * len(number)


def masked(value: Any) -> Any:
    """A copy of ``value`` with every phone and ID number masked, however deeply nested."""
    if isinstance(value, dict):
        return {key: _mask_field(key, item) if isinstance(item, str) else masked(item)
                for key, item in value.items()}
    if isinstance(value, list):
        return [masked(item) for item in value]
    return value


def _mask_field(key: str, value: str) -> str:
    if key == "phone":
        return mask_phone(value)
    if key == "id_number":
        return mask_id_number(value)
    return value
