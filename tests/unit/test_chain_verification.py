"""The chain check on a store held in lists: each kind of tampering is named, at the right position."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field

import pytest

from application.chain_verification import EventRow, LinkRow, Sources, Tampering, Visit, verify
from application.event_chain import GENESIS, Link, content, link_hash

TOPIC = "domain.case:Case.NoteAdded"


@dataclass
class ListStore:
    """Events and links by position, as the two tables hold them."""

    events: dict[int, bytes] = field(default_factory=dict)
    links: dict[int, tuple[int, bytes]] = field(default_factory=dict)

    @classmethod
    def chained(cls, positions: list[int]) -> ListStore:
        store, previous, previous_hash = cls(), 0, GENESIS
        for position in positions:
            body = event(position)
            previous_hash = link_hash(previous_hash, position, body)
            store.events[position], store.links[position] = body, (previous, previous_hash)
            previous = position
        return store

    def sources(self) -> Sources:
        def events_after(after: int) -> list[EventRow]:
            return [(p, c) for p, c in sorted(self.events.items()) if p > after]

        def links_after(after: int) -> list[LinkRow]:
            return [(p, prev, h) for p, (prev, h) in sorted(self.links.items()) if p > after]

        def feed_packed(after: int, visit: Visit) -> None:
            for p, c in events_after(after):
                if not visit(p.to_bytes(8, "big") + c, self.links.get(p, (0, None))[1]):
                    return

        return Sources(feed_packed, events_after, links_after)

    def head(self) -> Link:
        position = max(self.links)
        return Link(position, self.links[position][1])


def event(n: int) -> bytes:
    return content(uuid.UUID(int=n).bytes, n, TOPIC, f"state {n}".encode())


POSITIONS = [1, 2, 3, 5, 6, 7, 8, 9, 10]  # 4: a gap, as a rolled-back insert leaves on PostgreSQL


def finding(store: ListStore, anchor: Link | None = None) -> tuple[Tampering, int] | None:
    verdict = verify(store.sources(), anchor)
    return None if verdict.finding is None else (verdict.finding.kind, verdict.finding.position)


def test_an_intact_store_checks_out_with_its_head() -> None:
    store = ListStore.chained(POSITIONS)
    verdict = verify(store.sources())
    assert verdict.intact and verdict.checked == len(POSITIONS) and verdict.head == store.head()


def test_an_empty_store_checks_out_at_the_origin() -> None:
    verdict = verify(ListStore().sources())
    assert verdict.intact and verdict.checked == 0 and verdict.head == Link(0, GENESIS)


def test_events_deleted_at_the_end_their_links_left() -> None:
    store = ListStore.chained(POSITIONS)
    del store.events[9], store.events[10]
    assert finding(store) == (Tampering.DELETED, 9)


def test_two_events_deleted_in_a_row() -> None:
    store = ListStore.chained(POSITIONS)
    del store.events[5], store.events[6]
    assert finding(store) == (Tampering.DELETED, 5)


def test_an_edited_event() -> None:
    store = ListStore.chained(POSITIONS)
    store.events[6] = store.events[6][:-1] + b"X"
    assert finding(store) == (Tampering.EDITED, 6)


def test_a_deleted_event() -> None:
    store = ListStore.chained(POSITIONS)
    del store.events[6]
    assert finding(store) == (Tampering.DELETED, 6)


def test_a_deleted_event_with_its_link() -> None:
    store = ListStore.chained(POSITIONS)
    del store.events[6], store.links[6]
    assert finding(store) == (Tampering.DELETED, 6)


def test_an_event_inserted_at_the_end_or_into_a_gap() -> None:
    at_end, into_gap = ListStore.chained(POSITIONS), ListStore.chained(POSITIONS)
    at_end.events[11] = event(11)
    into_gap.events[4] = event(4)
    assert finding(at_end) == (Tampering.INSERTED, 11)
    assert finding(into_gap) == (Tampering.INSERTED, 4)


def test_an_event_inserted_with_a_forged_link() -> None:
    store = ListStore.chained(POSITIONS)
    store.events[4] = event(4)
    store.links[4] = (3, link_hash(store.links[3][1], 4, event(4)))
    assert finding(store) == (Tampering.INSERTED, 4)


def test_two_events_swapped() -> None:
    store = ListStore.chained(POSITIONS)
    store.events[5], store.events[8] = store.events[8], store.events[5]
    assert finding(store) == (Tampering.REORDERED, 5)
    assert "chained at position 8" in str(verify(store.sources()).finding)


def test_an_event_moved_into_a_gap_later_or_earlier() -> None:
    later, earlier = ListStore.chained(POSITIONS), ListStore.chained(POSITIONS)
    later.events[12] = later.events.pop(3)
    earlier.events[4] = earlier.events.pop(9)
    assert finding(later) == (Tampering.REORDERED, 3)
    assert finding(earlier) == (Tampering.REORDERED, 4)


def test_the_first_tampering_is_named_and_what_came_before_is_counted() -> None:
    store = ListStore.chained(POSITIONS)
    del store.events[9]
    store.events[3] = b"edited"
    verdict = verify(store.sources())
    assert (verdict.finding.kind, verdict.finding.position) == (Tampering.EDITED, 3)
    assert verdict.checked == 2 and verdict.head == Link(2, store.links[2][1])


def test_a_chain_recomputed_after_an_edit_passes_alone_but_not_against_an_anchor() -> None:
    store = ListStore.chained(POSITIONS)
    anchor = Link(7, store.links[7][1])
    rewritten = ListStore.chained(POSITIONS)
    rewritten.events[2] = b"edited"
    previous, previous_hash = 0, GENESIS
    for position in POSITIONS:  # what someone with the database and this source code could do
        previous_hash = link_hash(previous_hash, position, rewritten.events[position])
        rewritten.links[position] = (previous, previous_hash)
        previous = position
    assert finding(rewritten) is None
    assert finding(rewritten, anchor) == (Tampering.REWRITTEN, 7)


def test_from_an_anchor_only_the_anchor_and_what_follows_are_checked() -> None:
    store = ListStore.chained(POSITIONS)
    store.events[2] = b"edited before the anchor"
    verdict = verify(store.sources(), Link(7, store.links[7][1]))
    assert verdict.intact and verdict.checked == 4 and verdict.head == store.head()
    store.events[7] = b"edited at the anchor"
    assert finding(store, Link(7, store.links[7][1])) == (Tampering.EDITED, 7)


def test_an_anchor_whose_position_left_the_chain() -> None:
    store = ListStore.chained(POSITIONS)
    anchor = Link(10, store.links[10][1])
    del store.events[10], store.links[10]
    assert finding(store, anchor) == (Tampering.DELETED, 10)


def test_the_hash_is_sha256_over_the_documented_layout() -> None:
    originator = uuid.uuid4()
    body = content(originator.bytes, 3, "a:Ç", b"\x00\x01")
    expected = hashlib.sha256(
        GENESIS + (17).to_bytes(8, "big") + originator.bytes + (3).to_bytes(8, "big") + (4).to_bytes(4, "big")
    )
    expected.update("a:Ç".encode() + b"\x00\x01")
    assert link_hash(GENESIS, 17, body) == expected.digest()
    # A byte moved from the topic into the state changes the hash: the topic's length is in it.
    assert link_hash(GENESIS, 17, content(originator.bytes, 3, "a:", "Ç".encode() + b"\x00\x01")) != expected.digest()


@pytest.mark.parametrize("text", ["", "12", "x:" + "00" * 32, "0:" + "00" * 32, "5:" + "00" * 31, "5:zz"])
def test_an_anchor_must_be_position_colon_hash(text: str) -> None:
    with pytest.raises(ValueError, match="POSITION:HASH"):
        Link.parse(text)


def test_an_anchor_reads_back_as_printed() -> None:
    link = Link(42, hashlib.sha256(b"x").digest())
    assert Link.parse(str(link)) == link
