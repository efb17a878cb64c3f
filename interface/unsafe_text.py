"""Characters no store or export can hold: one rule, refused in requests and stripped from exports.

- NUL: a PostgreSQL text column refuses it (a read model copying the field would stop at that event).
- A lone surrogate cannot be encoded as UTF-8.
- The other C0 controls (tab, newline and carriage return are fine), DEL and the C1 controls (NEL among
  them): XLSX and XML 1.0 refuse the C0 ones and XML discourages DEL and C1; none is text a person typed.
- Noncharacters (U+FFFE, U+FFFF, U+FDD0-U+FDEF and the last two code points of every plane): XML cannot hold
  U+FFFE or U+FFFF at all, so one in a case title made the handover list's XLSX unreadable; the others are
  for a program's internal use, never for interchange.

Events stored before a character was refused may still carry it: every export strips them with
``without_unsafe_text`` rather than produce a file that cannot be opened.
"""

from __future__ import annotations

import re

_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    f"{chr(plane + 0xFFFE)}{chr(plane + 0xFFFF)}" for plane in range(0, 0x110000, 0x10000)
)
UNSAFE_TEXT = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff{_NONCHARACTERS}]")
UNSAFE_TEXT_MESSAGE = "Must not contain NUL, control characters, lone surrogates or noncharacters."


def has_unsafe_text(value: str) -> bool:
    return UNSAFE_TEXT.search(value) is not None


def without_unsafe_text(value: str) -> str:
    return UNSAFE_TEXT.sub("", value)
