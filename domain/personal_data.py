"""Personal information (PIPL): what a valid ID number and phone number look like, and how each is masked.

Resident ID numbers follow GB 11643-1999: 17 digits and a check character computed with ISO 7064 MOD 11-2.
Phones are mainland numbers a resident can be called back on: a mobile (11 digits, 13x-19x) or a landline
(area code and local number, perhaps an extension); hotlines and service numbers (12345, 110, 95588,
400/800 numbers) are nobody's phone. Personal data never lands unmasked in a read model: what is shown keeps the
first three and last four characters of a phone or ID number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

# ASCII digits only, and fullmatch: "\d" would take full-width digits and "$" a trailing newline.
ID_NUMBER = re.compile(r"[0-9]{17}[0-9X]")
# "+86" (then perhaps a space or hyphen) may precede either kind. A landline's area code (10, 2x, or 3xx to 9xx)
# needs its trunk 0 without +86 (010-65123456) and may drop it after (+86 10 65123456, as dialled from abroad);
# the local number has 7 or 8 digits and starts with 2-9; an extension follows a hyphen.
PHONE = re.compile(
    r"(?:(?P<country>\+86)[ -]?)?(?:"
    r"(?P<mobile>1[3-9][0-9][ -]?[0-9]{4}[ -]?[0-9]{4})"
    r"|(?P<landline>(?P<trunk>0)?(?:10|2[0-9]|[3-9][0-9]{2})[ -]?[2-9][0-9]{6,7})"
    r"(?:-(?P<extension>[0-9]{1,6}))?)"
)
PHONE_PROBLEM = (
    "Not a valid phone number: a mainland mobile (13812345678) or a landline with its area code "
    "(0793-7361234, perhaps -801 for an extension), perhaps after +86."
)
ERASED = "[已删除]"  # what a personal field reads once its person's key was destroyed (crypto-shredding)
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"


def id_number_check_character(first_17: str) -> str:
    """The 18th character of an ID number whose first 17 digits are ``first_17``."""
    return CHECK_CHARACTERS[sum(int(d) * w for d, w in zip(first_17, WEIGHTS, strict=True)) % 11]


def id_number_problem(number: str) -> str | None:
    """Why ``number`` is not a valid resident ID number, or None when it is (a lowercase x is not accepted)."""
    if not ID_NUMBER.fullmatch(number):
        return "An ID number is 17 digits followed by a digit or X."
    try:
        date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return "The ID number's date of birth is not a real date."
    if id_number_check_character(number[:17]) != number[17]:
        return "The ID number's check digit is wrong (GB 11643)."
    return None


@dataclass(frozen=True)
class PhoneNumber:
    """A valid phone as its parts: ``digits`` is the number as dialled at home, without separators (a
    landline with its trunk 0 even when written after +86 without it)."""

    international: bool
    digits: str
    extension: str | None = None


def parse_phone(phone: str) -> PhoneNumber | None:
    """``phone``'s parts, or None when it is not a mainland mobile or landline number."""
    match = PHONE.fullmatch(phone)
    if not match or (match["landline"] and not (match["trunk"] or match["country"])):
        return None
    digits = re.sub(r"[ -]", "", match["mobile"] or match["landline"])
    if match["landline"] and not match["trunk"]:
        digits = "0" + digits
    return PhoneNumber(international=bool(match["country"]), digits=digits, extension=match["extension"])


def phone_problem(phone: str) -> str | None:
    """Why ``phone`` is not a phone number, or None when it is."""
    return None if parse_phone(phone) else PHONE_PROBLEM


def mask_phone(phone: str) -> str:
    """The first three and last four digits of the number: 138****5678, 079****1234, +86 138****5678;
    an extension is hidden (079****1234-***). A phone stored before phones were checked is masked all the same."""
    parsed = parse_phone(phone)
    if phone == ERASED:
        return ERASED
    if parsed is None:
        return _mask_middle(phone.replace(" ", "").replace("-", ""))
    masked_phone = ("+86 " if parsed.international else "") + _mask_middle(parsed.digits)
    return masked_phone + ("-" + "*" * len(parsed.extension) if parsed.extension else "")


def mask_id_number(number: str) -> str:
    """The first three and last four characters of the number (360***********1234)."""
    return number if number == ERASED else _mask_middle(number)


def _mask_middle(text: str) -> str:
    # Seven characters or fewer would show too much of themselves: hide them all.
    return text[:3] + "*" * (len(text) - 7) + text[-4:] if len(text) > 7 else "*" * len(text)


def masked(value: Any) -> Any:
    """A copy of ``value`` with every phone and ID number masked, however deeply nested."""
    if isinstance(value, dict):
        return {key: _mask_field(key, item) if isinstance(item, str) else masked(item) for key, item in value.items()}
    if isinstance(value, list):
        return [masked(item) for item in value]
    return value


def _mask_field(key: str, value: str) -> str:
    if key == "phone":
        return mask_phone(value)
    if key == "id_number":
        return mask_id_number(value)
    return value
