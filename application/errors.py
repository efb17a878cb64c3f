"""Exceptions the application raises; the interface maps each to one HTTP status."""

from __future__ import annotations


class ApplicationError(Exception):
    """Base class of everything the application refuses."""


class NotFound(ApplicationError):
    """The addressed case, grid, department or staff member does not exist."""


class Forbidden(ApplicationError):
    """The actor's role or scope does not allow this."""


class InvalidReference(ApplicationError):
    """A field names something that does not exist (a grid, a department, a case)."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


class AlreadyExists(ApplicationError):
    """A code that must be unique is taken."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


class VersionMismatch(ApplicationError):
    """The client's expected version (If-Match) is not the current one."""

    def __init__(self, *, expected: int, actual: int) -> None:
        self.expected = expected
        self.actual = actual
        super().__init__(f"expected version {expected}, but the case is at version {actual}")


class ConcurrentUpdate(ApplicationError):
    """Somebody else changed the case between our load and our save; nothing was written."""


class IdempotencyKeyReused(ApplicationError):
    """The same Idempotency-Key was sent before with a different request."""


class UnsupportedContent(ApplicationError):
    """An uploaded file whose content is of no accepted type."""
