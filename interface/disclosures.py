"""Answers that show a person's data whole (to an admin) are disclosures: each is recorded (who, when, whose, why)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import request

from interface.auth import current_staff
from interface.context import services


def record_disclosure(subject: str, subject_id: str, people: Iterable[dict[str, Any] | None]) -> None:
    """Record that the caller was shown ``people`` whole in this answer (nothing when none has a phone or ID
    number); the purpose is the request itself (an admin's read states none)."""
    services().people.disclose(
        current_staff(),
        subject=subject,
        subject_id=subject_id,
        people=[person for person in people if person],
        purpose=f"{request.method} {request.path}",
    )
