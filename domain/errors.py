"""Exceptions raised by the domain when a command breaks a rule."""


class DomainError(Exception):
    """A command that the domain refuses."""


class TransitionNotAllowed(DomainError):
    """The command is not allowed in the aggregate's current state."""

    def __init__(self, *, state: str, command: str, reason: str = "", subject: str = "case") -> None:
        self.state = state
        self.command = command
        self.reason = reason
        message = f"'{command}' is not allowed when the {subject} is '{state}'"
        super().__init__(f"{message}: {reason}" if reason else message)


class InvalidCommand(DomainError):
    """The command's data breaks a rule of the domain (not a state problem)."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")
