"""The role table of API.md: every command × every role, in and out of scope."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from application.case_commands import CaseCommands
from application.errors import Forbidden
from tests.support.clock import MovableClock
from tests.support.territory import STAFF, Territory

EVERYONE = list(STAFF)
# The case under test lies in 茶苑社区第一网格, reported by 程晓燕 ("worker"); 城管 leads, 住建 co-handles.
ALLOWED = {
    "report": {"admin", "dispatcher", "worker", "intake"},
    "accept": {"admin", "dispatcher"},
    "reject": {"admin", "dispatcher"},
    "merge": {"admin", "dispatcher"},
    "dispatch": {"admin", "dispatcher"},
    "claim": {"chengguan"},
    "return": {"chengguan"},
    "note": {"chengguan", "zhujian", "dispatcher"},
    "extend": {"admin", "dispatcher"},
    "resolve": {"chengguan"},
    "resolve_on_the_spot": {"worker"},
    "follow_up": {"dispatcher", "worker"},
    "reopen": {"admin", "dispatcher"},
    "close": {"admin", "dispatcher"},
    "return_after_claim": {"chengguan"},
    "redispatch": {"admin", "dispatcher"},
    "request_extension": {"chengguan"},
    "refuse_extension": {"admin", "dispatcher"},
    "suspend": {"admin", "dispatcher"},
    "resume": {"admin", "dispatcher"},
    "urge": {"admin", "dispatcher", "leader"},
    "acknowledge": {"zhujian"},
    "reveal_contact": {"admin", "dispatcher", "worker"},
}


class Setup:
    """Drives a fresh case to the state each command needs, as the right people."""

    def __init__(self, cases: CaseCommands, territory: Territory) -> None:
        self.cases, self.t = cases, territory

    def staff(self, key: str) -> Any:
        return self.t.staff[key]

    def reported(self, **overrides: Any) -> str:
        body = {
            "title": "路灯不亮",
            "description": "文公北路",
            "category": "municipal",
            "channel": "grid_app",
            "track": "general",
            "grid": self.t.grid("chayuan-01"),
            **overrides,
        }
        return str(self.cases.report(self.staff("worker"), body).id)

    def accepted(self) -> str:
        case_id = self.reported()
        self.cases.accept(self.staff("dispatcher"), case_id)
        return case_id

    def dispatched(self) -> str:
        case_id = self.accepted()
        self.cases.dispatch(
            self.staff("dispatcher"),
            case_id,
            lead_department=self.t.department("chengguan"),
            co_departments=[self.t.department("zhujian")],
        )
        return case_id

    def in_progress(self) -> str:
        case_id = self.dispatched()
        self.cases.claim(self.staff("chengguan"), case_id)
        return case_id

    def extension_requested(self) -> str:
        case_id = self.in_progress()
        due_at = self.cases.ledger.clock().replace(year=2099)
        self.cases.request_extension(self.staff("chengguan"), case_id, due_at=due_at, reason="需采购灯具")
        return case_id

    def suspended(self) -> str:
        case_id = self.in_progress()
        self.cases.suspend(self.staff("dispatcher"), case_id, reason="等待司法鉴定")
        return case_id

    def resolved(self, followed_up: bool = False) -> str:
        case_id = self.in_progress()
        self.cases.resolve(self.staff("chengguan"), case_id, result="已修复")
        if followed_up:
            self.cases.follow_up(self.staff("dispatcher"), case_id, satisfaction="satisfied", method="phone")
        return case_id


def _issue(command: str, setup: Setup, who: Any, clock: MovableClock) -> Callable[[], Any]:
    c, t = setup.cases, setup.t
    later = clock.now.replace(year=clock.now.year + 1)
    actions: dict[str, Callable[[], Any]] = {
        "report": lambda: c.report(
            who,
            {
                "title": "t",
                "description": "d",
                "category": "other",
                "channel": "hotline",
                "track": "general",
                "grid": t.grid("chayuan-01"),
            },
        ),
        "accept": lambda: c.accept(who, setup.reported()),
        "reject": lambda: c.reject(who, setup.reported(), reason="不属实"),
        "merge": lambda: c.merge(who, setup.reported(), into=setup.reported()),
        "dispatch": lambda: c.dispatch(
            who, setup.accepted(), lead_department=t.department("chengguan"), co_departments=[]
        ),
        "claim": lambda: c.claim(who, setup.dispatched()),
        "return": lambda: c.return_to_centre(who, setup.dispatched(), reason="非本部门职责"),
        "note": lambda: c.note(who, setup.in_progress(), text="进展"),
        "extend": lambda: c.extend(who, setup.in_progress(), due_at=later, reason="需协调"),
        "resolve": lambda: c.resolve(who, setup.in_progress(), result="已修复"),
        "resolve_on_the_spot": lambda: c.resolve(
            who, setup.reported(track="instant", category="sanitation"), result="现场处理"
        ),
        "follow_up": lambda: c.follow_up(who, setup.resolved(), satisfaction="satisfied", method="phone"),
        "reopen": lambda: c.reopen(who, setup.resolved(), reason="返工"),
        "close": lambda: c.close(who, setup.resolved(followed_up=True)),
        "return_after_claim": lambda: c.return_to_centre(who, setup.in_progress(), reason="非本部门职责"),
        "redispatch": lambda: c.redispatch(
            who, setup.in_progress(), lead_department=t.department("zhujian"), co_departments=[], reason="职责调整"
        ),
        "request_extension": lambda: c.request_extension(who, setup.in_progress(), due_at=later, reason="需采购"),
        "refuse_extension": lambda: c.refuse_extension(who, setup.extension_requested(), reason="时限足够"),
        "suspend": lambda: c.suspend(who, setup.in_progress(), reason="等待司法鉴定"),
        "resume": lambda: c.resume(who, setup.suspended()),
        "urge": lambda: c.urge(who, setup.in_progress(), note="请加快办理"),
        "acknowledge": lambda: c.acknowledge(who, setup.dispatched()),
        "reveal_contact": lambda: c.reveal_contact(
            who, setup.reported(reporter={"phone": "13800135678"}), purpose="回访"
        ),
    }
    return actions[command]


@pytest.mark.parametrize("who", EVERYONE)
@pytest.mark.parametrize("command", list(ALLOWED))
def test_role_table(cases: CaseCommands, territory: Territory, clock: MovableClock, command: str, who: str) -> None:
    issue = _issue(command, Setup(cases, territory), territory.staff[who], clock)
    if who in ALLOWED[command]:
        outcome = issue()
        result = outcome[0] if isinstance(outcome, tuple) else outcome  # reveal-contact answers the phone too
        assert result.version >= 1
    else:
        with pytest.raises(Forbidden):
            issue()
