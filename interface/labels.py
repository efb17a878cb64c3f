"""Codes for people, one way in every answer: a coded field ``x`` gets ``x_label`` (Chinese) beside it, and a
department code gets its name beside it (``lead_department`` → ``lead_department_name``, ``co_departments`` →
``co_department_names``).

Labelling only ever adds keys: clients read the codes, which stay exactly as they were. It reaches into
nested records too (an event's data, an actor, a follow-up), so whatever an answer carries is labelled alike.
A field means different things on different aggregates (a case's ``status`` is not a meeting's), hence one
vocabulary per kind of answer.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from application.directory import GRID_LEVEL_LABELS
from application.handover_list import STATUS_WORDS as HANDOVER_STATUS_LABELS
from domain.actor import ROLE_LABELS
from domain.case_types import (
    CATEGORY_LABELS,
    CHANNEL_LABELS,
    FOLLOW_UP_METHOD_LABELS,
    SATISFACTION_LABELS,
    STATUS_LABELS,
    TRACK_LABELS,
)
from domain.household_types import KIND_LABELS as HOUSEHOLD_KIND_LABELS
from domain.household_types import TAG_LABELS
from domain.meeting import LEVEL_LABELS as MEETING_LEVEL_LABELS
from domain.meeting import STATUS_LABELS as MEETING_STATUS_LABELS
from domain.patrol import ENDED, ON_PATROL
from domain.patrol_types import KIND_LABELS as PATROL_KIND_LABELS

Vocabulary = Mapping[str, Mapping[str, str]]  # field → code → label
DepartmentNames = Callable[[str], str]  # code → name

PATROL_STATUS_LABELS = {ON_PATROL: "巡查中", ENDED: "已结束"}

STAFF: Vocabulary = {"role": ROLE_LABELS}  # actors appear in every answer
GRID: Vocabulary = {"level": GRID_LEVEL_LABELS}
CASE: Vocabulary = {
    **STAFF,
    "category": CATEGORY_LABELS,
    "channel": CHANNEL_LABELS,
    "track": TRACK_LABELS,
    "status": STATUS_LABELS,
    "satisfaction": SATISFACTION_LABELS,
    "method": FOLLOW_UP_METHOD_LABELS,
}
MEETING: Vocabulary = {**STAFF, "status": MEETING_STATUS_LABELS, "level": MEETING_LEVEL_LABELS}
HOUSEHOLD: Vocabulary = {**STAFF, "kind": HOUSEHOLD_KIND_LABELS, "tag": TAG_LABELS}
PATROL: Vocabulary = {**STAFF, "kind": PATROL_KIND_LABELS, "status": PATROL_STATUS_LABELS, "category": CATEGORY_LABELS}
HANDOVER_ITEM: Vocabulary = {"status": HANDOVER_STATUS_LABELS}  # open, ticked off, overdue: not the case's status
BY_AGGREGATE: dict[str, Vocabulary] = {"Case": CASE, "Meeting": MEETING, "Household": HOUSEHOLD, "Patrol": PATROL}

# department field → the field that carries its name (a list of codes gets a list of names)
DEPARTMENT_FIELDS = {
    "department": "department_name",
    "lead_department": "lead_department_name",
    "co_departments": "co_department_names",
}


def labelled(value: Any, vocabulary: Vocabulary, department_name: DepartmentNames | None = None) -> Any:
    """``value`` (a JSON-ready dict or list, however nested) with labels and department names added.

    A code with no label (written by an older version, say) is its own label, so ``x_label`` is always there
    when ``x`` holds a string; ``department_name`` None leaves departments unnamed.
    """
    if isinstance(value, list):
        return [labelled(item, vocabulary, department_name) for item in value]
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for key, item in value.items():
        out[key] = labelled(item, vocabulary, department_name)
        if key in vocabulary and isinstance(item, str):
            out[f"{key}_label"] = vocabulary[key].get(item, item)
        elif key in DEPARTMENT_FIELDS and department_name is not None:
            if isinstance(item, str):
                out[DEPARTMENT_FIELDS[key]] = department_name(item)
            elif isinstance(item, list):
                out[DEPARTMENT_FIELDS[key]] = [department_name(code) for code in item if isinstance(code, str)]
            elif item is None:
                out[DEPARTMENT_FIELDS[key]] = None
    return out
