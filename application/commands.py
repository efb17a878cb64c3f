"""One command path for every aggregate: load, check the version, authorise, act, save.

It runs in one transaction with the idempotency record, saves every aggregate a command touched together,
and answers with ids and positions (``CommandResult``), never an aggregate; ``GridLedger.state_after``
reads the state a command left. The ``*_commands`` modules only declare their commands for it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar
from uuid import UUID

import sqlalchemy.exc
from eventsourcing.persistence import IntegrityError
from eventsourcing_sqlalchemy.datastore import transactions

from application.attachments import record_references
from application.errors import ConcurrentUpdate, VersionMismatch
from application.idempotency import IdempotencyKey, StoredOutcome, find_outcome, record_outcome
from application.person_keys import PersonKeyTaken
from application.staff import StaffMember
from domain.actor import Actor
from domain.errors import TransitionNotAllowed

if TYPE_CHECKING:
    from application.ledger import GridLedger

A = TypeVar("A")


@dataclass(frozen=True)
class CommandResult:
    """What a command hands back: the aggregate's id, version and global position, and the ids of what it
    linked (the cases a visit or a finding raised, the meeting a case was escalated to)."""

    id: str
    version: int
    position: int
    linked_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Context:
    """What an act may use besides the aggregate: who acts, when, the transaction (to number new cases),
    and ``save_with`` for the other aggregates it changes or makes, which are saved together with it."""

    staff: StaffMember
    now: datetime
    session: Any
    others: list[Any] = field(default_factory=list)

    @property
    def actor(self) -> Actor:
        return self.staff.actor

    def save_with(self, *aggregates: Any) -> None:
        self.others.extend(aggregates)


def no_links(aggregate: Any) -> Sequence[str]:
    return ()


@dataclass(frozen=True)
class Change(Generic[A]):
    """A command on an existing aggregate. ``act`` changes it (what it returns is ignored, so a lambda may
    call a command method that returns something); ``linked`` reads the linked ids off the state it left,
    so that a replay finds them too."""

    name: str
    act: Callable[[A, Context], object]
    linked: Callable[[A], Sequence[str | None]] = no_links


@dataclass(frozen=True)
class Create:
    """A command that makes an aggregate: ``make`` returns it."""

    make: Callable[[Context], Any]


class CommandPolicy(Protocol[A]):
    """Who may issue a command, asked by the handler: ``check_role`` before anything is loaded (so that
    no existence leaks), ``check_change`` once the aggregate is loaded and its version checked."""

    def check_role(self, staff: StaffMember, command: str) -> None: ...

    def check_change(self, staff: StaffMember, command: str, aggregate: A) -> None: ...


class CommandHandler(Generic[A]):
    """The command path for one kind of aggregate: how to load one, and its policy."""

    def __init__(self, ledger: GridLedger, load: Callable[[str], A], policy: CommandPolicy[A]) -> None:
        self.ledger = ledger
        self.load = load
        self.policy = policy

    def create(
        self, staff: StaffMember, command: Create, *, idempotency: IdempotencyKey | None = None
    ) -> CommandResult:
        return self._run(staff, idempotency, command.make, no_links)

    def handle(
        self,
        staff: StaffMember,
        aggregate_id: str,
        command: Change[A],
        *,
        expected_version: int | None = None,
        idempotency: IdempotencyKey | None = None,
    ) -> CommandResult:
        self.policy.check_role(staff, command.name)

        def run(context: Context) -> Any:
            aggregate: Any = self.load(aggregate_id)
            if expected_version is not None and expected_version != aggregate.version:
                raise VersionMismatch(expected=expected_version, actual=aggregate.version)
            self.policy.check_change(staff, command.name, aggregate)
            command.act(aggregate, context)
            return aggregate

        return self._run(staff, idempotency, run, command.linked)

    def _run(
        self,
        staff: StaffMember,
        idempotency: IdempotencyKey | None,
        run: Callable[[Context], Any],
        linked: Callable[[Any], Sequence[str | None]],
        *,
        claim_new_keys: bool = True,
    ) -> CommandResult:
        """``run`` in one transaction with the idempotency record; the aggregate it returns is the answer.

        A lost race (another writer saved the same version first) rolls everything back. A person this process
        has not met gets a new key stored with the events (``PersonKeys.claim_new_keys``); if the store knew
        them after all, the command runs again and finds their key.
        """
        ledger = self.ledger
        # Only a command in a transaction of its own claims keys: running again is its own to decide.
        claiming = ledger.person_keys if claim_new_keys and transactions.get(None) is None else None
        try:
            with ledger.datastore.transaction(commit=True) as session:
                if claiming is not None:
                    claiming.claim_new_keys(session)
                if idempotency and (stored := find_outcome(session, staff.id, idempotency)):
                    return self._replay(stored, linked)
                now = ledger.clock()
                context = Context(staff=staff, now=now, session=session)
                answer = run(context)
                record_references(session, [answer, *context.others])
                recordings = ledger.save(answer, *context.others)
                stored = StoredOutcome(str(answer.id), answer.version, recordings[-1].notification.id)
                if idempotency:
                    record_outcome(session, staff.id, idempotency, stored, now)
        except PersonKeyTaken:
            if claiming is None:
                raise
            return self._run(staff, idempotency, run, linked, claim_new_keys=False)
        except (IntegrityError, sqlalchemy.exc.IntegrityError) as error:
            if idempotency and (replayed := self._replay_after_race(staff, idempotency, linked)):
                return replayed
            raise ConcurrentUpdate(
                "it was changed by someone else at the same moment; reload it and try again"
            ) from error
        except (VersionMismatch, TransitionNotAllowed):
            # A twin under the same key (a double click, a retry sent at once) saved after this one looked for
            # the key and before it loaded the aggregate: the twin's answer is this request's answer too.
            if idempotency and (replayed := self._replay_after_race(staff, idempotency, linked)):
                return replayed
            raise
        ledger.recent_states.remember(answer)
        for listener in ledger.after_save:
            listener()
        return _result(answer, stored.position, linked)

    def _replay(self, stored: StoredOutcome, linked: Callable[[Any], Sequence[str | None]]) -> CommandResult:
        """The first answer again: the aggregate as that command left it."""
        aggregate = self.ledger.repository.get(UUID(stored.case_id), version=stored.version)
        self.ledger.recent_states.remember(aggregate)
        return _result(aggregate, stored.position, linked)

    def _replay_after_race(
        self, staff: StaffMember, key: IdempotencyKey, linked: Callable[[Any], Sequence[str | None]]
    ) -> CommandResult | None:
        with self.ledger.datastore.transaction(commit=False) as session:
            stored = find_outcome(session, staff.id, key)
        return self._replay(stored, linked) if stored else None


def _result(aggregate: Any, position: int, linked: Callable[[Any], Sequence[str | None]]) -> CommandResult:
    return CommandResult(
        id=str(aggregate.id),
        version=aggregate.version,
        position=position,
        linked_ids=tuple(str(ref) for ref in linked(aggregate) if ref is not None),
    )
