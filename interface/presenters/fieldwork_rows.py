"""Rows of the household and patrol read models as JSON (times in local time, labels in Chinese)."""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from domain.household_types import TAG_LABELS
from interface.labels import HOUSEHOLD, PATROL, labelled
from interface.presenters.times import local_iso

HOURS_DECIMALS = 2


def household_row(row: dict[str, Any], zone: tzinfo) -> dict[str, Any]:
    tags = [tag for tag in row["tags"].split(",") if tag]
    return labelled(
        {
            "id": row["id"],
            "address": row["address"],
            "grid": row["grid"],
            "kind": row["kind"],
            "head": {"name": row["head_name"], "phone": row["head_phone"]},  # the read model holds masked phones only
            "tags": tags,
            "tag_labels": [TAG_LABELS.get(tag, tag) for tag in tags],
            "residents": row["residents"],
            "floating": row["floating"],
            "liaison": _staff(row["liaison_id"], row["liaison_name"]),
            "pairing": _staff(row["pairing_id"], row["pairing_name"]),
            "visits": row["visits"],
            "last_visit_at": local_iso(row["last_visit_at"], zone),
            "registered_at": local_iso(row["registered_at"], zone),
            "updated_at": local_iso(row["updated_at"], zone),
            "version": row["version"],
            "position": row["position"],
        },
        HOUSEHOLD,
    )


def visit_due_row(row: dict[str, Any], zone: tzinfo) -> dict[str, Any]:
    return labelled(
        {
            "id": row["id"],
            "address": row["address"],
            "grid": row["grid"],
            "kind": row["kind"],
            "head": {"name": row["head_name"], "phone": row["head_phone"]},
            "tags": row["due_tags"],
            "tag_labels": [TAG_LABELS.get(tag, tag) for tag in row["due_tags"]],
            "last_visit_at": local_iso(row["last_visit_before"], zone),
            "liaison": _staff(row["liaison_id"], row["liaison_name"]),
            "pairing": _staff(row["pairing_id"], row["pairing_name"]),
        },
        HOUSEHOLD,
    )


def patrol_row(row: dict[str, Any], zone: tzinfo) -> dict[str, Any]:
    seconds = row["duration_seconds"]
    return labelled(
        {
            "id": row["id"],
            "grid": row["grid"],
            "kind": row["kind"],
            "status": row["status"],
            "members": row["members"],
            "started_by": _staff(row["started_by_id"], row["started_by_name"]),
            "started_at": local_iso(row["started_at"], zone),
            "ended_at": local_iso(row["ended_at"], zone),
            "hours": None if seconds is None else round(seconds / 3600, HOURS_DECIMALS),
            "checkpoints": row["checkpoints"],
            "last_checkpoint": row["last_checkpoint"],
            "findings": row["findings"],
            "fixed_on_spot": row["fixed_on_spot"],
            "cases_raised": row["cases_raised"],
            "summary": row["summary"],
            "version": row["version"],
            "position": row["position"],
        },
        PATROL,
    )


def figures_row(row: dict[str, Any]) -> dict[str, Any]:
    """A grid's rolled-up figures: hours rounded, counts as integers."""
    return {key: _figure(key, value) for key, value in row.items()}


def _figure(key: str, value: Any) -> Any:
    if key == "hours":
        return round(value, HOURS_DECIMALS)
    return int(value) if isinstance(value, float) else value


def _staff(staff_id: str | None, name: str | None) -> dict[str, Any] | None:
    return None if staff_id is None else {"id": staff_id, "name": name}
