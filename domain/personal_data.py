"""Personal information (PIPL): what a valid ID number and phone number look like.

Resident ID numbers follow GB 11643-1999: 17 digits and a check character computed with ISO 7064 MOD 11-2.
"""

from __future__ import annotations

import re
from datetime import date

# ASCII digits only, and fullmatch: "\d" would take full-width digits and "$" a trailing newline.
ID_NUMBER = re.compile(r"[0-9]{17}[0-9X]")
PHONE = re.compile(r"\+?[0-9][0-9 -]{4,19}")
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


def phone_problem(phone: str) -> str | None:
    """Why ``phone`` is not a phone number, or None when it is (digits, spaces and dashes, an optional +)."""
    if not PHONE.fullmatch(phone):
        return "Not a valid phone number."
    return None
