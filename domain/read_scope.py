"""Which rows of a read model a staff member may read, as a value: the application decides it, the read
models turn it into conditions."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReadScope:
    """Everything, a grid subtree, the cases one department leads or co-handles, or one's own reports
    (at most one of them; none: nothing)."""

    everything: bool = False
    grid_path: str | None = None
    department: str | None = None
    reported_by: str | None = None


@dataclass(frozen=True)
class MeetingScope:
    """The meetings a reader's lists hold: every one, those related to a grid subtree, or those naming a
    department (exactly one of the three)."""

    everything: bool = False
    grid_path: str | None = None  # meetings whose organisation lies in this subtree, or above it
    department: str | None = None  # meetings an item of which names this department
