"""The actions a staff member may take on a case now, and the small form of each.

Which actions: every case command of the API whose lifecycle step the case allows now and whose role rule
lets this person take it, asked of the case and of ``CasePolicy`` (no rule is restated here). The form's
answers are checked by the API's own body schema for that command.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from marshmallow import Schema
from werkzeug.datastructures import MultiDict

from application.authorization import CasePolicy
from application.errors import Forbidden
from application.staff import StaffMember
from domain.case import Case
from domain.case_types import COMMAND_LABELS
from domain.errors import TransitionNotAllowed
from interface.views.cases import COMMANDS, CaseCommand

# The domain names some commands (COMMAND_LABELS); the console names the rest for its buttons.
ACTION_LABELS = {
    "accept": "受理",
    "reject": "不予受理",
    "merge": "合并",
    "dispatch": "派单",
    "claim": "接单",
    "note": "记录处置进展",
    "resolve": "办结",
    "reopen": "重新办理",
    "close": "结案",
    "escalate": "提交交办会",
    "assign": "交办",
    **COMMAND_LABELS,
}
# Form fields whose answer is a list (a multi-select), a yes/no (a checkbox), or left out when blank.
LIST_FIELDS = ("co_departments",)
BOOLEAN_FIELDS = ("solved",)
# A body field filled by a file chosen in the form (``photo_forms.posted_photo``), not by a form field of that name.
PHOTO_FIELD = "attachments"


@dataclass(frozen=True)
class Action:
    command: CaseCommand
    label: str

    @property
    def name(self) -> str:
        return self.command.path

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(self.command.body().fields)

    @property
    def takes_photo(self) -> bool:
        return takes_photo(self.command)


def available_actions(policy: CasePolicy, staff: StaffMember, case: Case) -> list[Action]:
    """The commands this person may give this case in its present state, in the API's order."""
    return [Action(command, ACTION_LABELS[command.path]) for command in COMMANDS if _may(policy, staff, command, case)]


def _may(policy: CasePolicy, staff: StaffMember, command: CaseCommand, case: Case) -> bool:
    try:
        case.check_allowed(command.path)
        policy.check_command(staff, command.path, case)
    except (TransitionNotAllowed, Forbidden):
        return False
    return True


def takes_photo(command: CaseCommand) -> bool:
    return PHOTO_FIELD in command.body().fields


def find_action(name: str) -> CaseCommand | None:
    return next((command for command in COMMANDS if command.path == name), None)


def body_of(command: CaseCommand, form: MultiDict[str, str]) -> dict[str, Any]:
    """The form's answers as the command's body, checked by the API's schema (ValidationError when not valid)."""
    schema: Schema = command.body()
    raw: dict[str, Any] = {}
    for name in schema.fields:
        if name in LIST_FIELDS:
            values = [value for value in form.getlist(name) if value]
            if values:
                raw[name] = values
        elif name in BOOLEAN_FIELDS:
            if form.get(name) in ("yes", "no"):
                raw[name] = form[name] == "yes"
        elif form.get(name, "").strip():
            raw[name] = form[name]
    return schema.load(raw)
