"""Erasing a person (删除权: their per-person keys destroyed, an event records it) and recording each disclosure
of a person's data shown whole (who, when, whose, why)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from application.clear_households import clear_households
from application.commands import CommandHandler, CommandResult, Context, Create
from application.errors import Forbidden, NotFound
from application.idempotency import IdempotencyKey
from application.personal_fields import phone_lookup_value
from application.staff import StaffMember
from domain.actor import Role
from domain.errors import InvalidCommand, TransitionNotAllowed
from domain.personal_data import ERASED
from domain.personal_records import Disclosure, PersonErasure

if TYPE_CHECKING:
    from application.ledger import GridLedger
    from application.person_keys import PersonKeys


WHOLE = ("id_number", "phone")  # what masking hides: shown whole, they are disclosed


def disclosure(
    context: Context, subject: str, subject_id: str, people: list[dict[str, Any]], purpose: str
) -> Disclosure:
    """The record that ``people`` (person records as opened from events) were shown whole to the one acting."""
    return Disclosure(
        people=sorted({p["person"] for p in people if p.get("person")}),
        subject=subject,
        subject_id=subject_id,
        fields=sorted({f for p in people for f in WHOLE if p.get(f) not in (None, ERASED)}),
        purpose=purpose,
        actor=context.actor.as_record(),
        timestamp=context.now,
    )


class ErasurePolicy:
    """Only an admin erases a person."""

    def check_role(self, staff: StaffMember, command: str) -> None:
        if staff.role != Role.ADMIN:
            raise Forbidden(f"only an admin may '{command}'")

    def check_change(self, staff: StaffMember, command: str, aggregate: Any) -> None:
        self.check_role(staff, command)


class PersonalDataCommands:
    def __init__(self, ledger: GridLedger) -> None:
        self.ledger = ledger
        self.policy = ErasurePolicy()
        self.handler = CommandHandler(ledger, self.load, self.policy)

    def load(self, aggregate_id: str) -> PersonErasure:
        return self.ledger._load(aggregate_id, PersonErasure, "erasure")

    def erase(
        self,
        staff: StaffMember,
        *,
        reason: str,
        id_number: str | None = None,
        phone: str | None = None,
        household_id: str | None = None,
        member_id: str | None = None,
        idempotency: IdempotencyKey | None = None,
    ) -> CommandResult:
        """Destroy the keys of the person known by an ID number, a phone or a household member, in one
        transaction with the event that records it (key ids, reason, who: never the data), and record as erased
        the identifier given and every lookup of those keys: records stored in clear before per-person keys
        existed read "[已删除]" too (application/personal_fields.py). A person known only from such records (no
        key) is erased all the same; only an identifier already erased is not found."""
        self.policy.check_role(staff, "erase a person")
        keys = self._keys()
        identified_by, lookup = self._lookup(keys, id_number, phone, household_id, member_id)

        def make(context: Context) -> PersonErasure:
            if keys.is_erased(lookup):
                raise NotFound("this person was erased already")
            key_ids = keys.key_ids(lookup)
            erased = {lookup, *keys.lookups_of(key_ids)}
            headed, heads = clear_households(
                self.ledger, erased, phone=phone, household_id=household_id, member_id=member_id
            )
            erased |= heads  # a head recorded in clear: their phone and member too, as a key's lookups would be
            erasure = PersonErasure(
                key_ids=key_ids,
                identified_by=identified_by,
                reason=reason,
                actor=context.actor.as_record(),
                timestamp=context.now,
                household_ids=headed,
            )
            keys.destroy(context.session, key_ids)
            keys.record_erased(context.session, erased)
            return erasure

        result = self.handler.create(staff, Create(make), idempotency=idempotency)
        self.ledger.forget_erased_people()
        return result

    def disclose(
        self, staff: StaffMember, *, subject: str, subject_id: str, people: Iterable[dict[str, Any]], purpose: str
    ) -> None:
        """Record that ``people`` (person records, as opened from events) were shown whole to ``staff``."""
        people = [p for p in people if p and any(p.get(f) not in (None, ERASED) for f in WHOLE)]
        if people:
            self.handler.create(staff, Create(lambda c: disclosure(c, subject, subject_id, people, purpose)))

    def _keys(self) -> PersonKeys:
        if self.ledger.person_keys is None:
            raise TransitionNotAllowed(
                state="without per-person keys",
                command="erase",
                reason="personal data is only erasable with GRIDLEDGER_CIPHER_KEY set",
                subject="store",
            )
        return self.ledger.person_keys

    @staticmethod
    def _lookup(
        keys: PersonKeys, id_number: str | None, phone: str | None, household_id: str | None, member_id: str | None
    ) -> tuple[str, str]:
        given = [bool(id_number), bool(phone), bool(household_id or member_id)]
        if sum(given) != 1 or (given[2] and not (household_id and member_id)):
            raise InvalidCommand("person", "give one of id_number, phone, or household_id with member_id")
        if id_number:
            return "id_number", keys.lookup("id_number", id_number)
        if phone:
            return "phone", keys.lookup("phone", phone_lookup_value(phone))
        return "member", keys.lookup("member", f"{household_id}:{member_id}")
