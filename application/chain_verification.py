"""Checking the hash chain (application/event_chain.py): walk the store in position order, recompute every
link, and name the first position where an event was edited, deleted, inserted or reordered.

Pure: the store comes in as two streams in position order — events ``(position, content)`` and links
``(position, previous, hash)`` — which ``Sources`` opens from any position onwards. The walk merges them; at
the first position that does not check out it tells what happened there:

- a link without its event: **deleted** — unless that event sits at another position (**reordered**);
- an event without a link: **inserted** — unless it is the event chained at a later position (**reordered**);
- an event whose hash is not its link's: **edited** — unless it is the event chained at a later position
  (**reordered**: the first position out of place holds an event that belongs further on);
- a link whose ``previous`` names a position that is in neither table: **deleted** there (event and link
  both removed); one that names a position before the last verified one: the links in between were
  **inserted** (forged).

An anchor (a head printed earlier) starts the walk at its position, whose link must still carry its hash;
otherwise the chain was **rewritten** at or before it (recomputed after an edit, which only an anchor shows).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum

from application.event_chain import GENESIS, ORIGIN, Link, link_hash

EventRow = tuple[int, bytes]  # position, content
LinkRow = tuple[int, int, bytes]  # position, previous, hash
Row = tuple[int, bytes | None, int | None, bytes | None]  # position, content, previous, hash


class Tampering(StrEnum):
    EDITED = "edited"
    DELETED = "deleted"
    INSERTED = "inserted"
    REORDERED = "reordered"
    REWRITTEN = "rewritten"


WHAT_HAPPENED = {
    Tampering.EDITED: "the event stored there is not the one that was chained there",
    Tampering.DELETED: "the event chained there is no longer in the store",
    Tampering.INSERTED: "the event there was never chained: it was put in afterwards",
    Tampering.REORDERED: "the events are not in the order they were chained in",
    Tampering.REWRITTEN: "the chain there does not carry the anchor's hash: the store was rewritten at or before it",
}


@dataclass(frozen=True)
class Finding:
    kind: Tampering
    position: int
    detail: str = ""

    def __str__(self) -> str:
        detail = f" ({self.detail})" if self.detail else ""
        return f"position {self.position} was {self.kind.value}: {WHAT_HAPPENED[self.kind]}{detail}"


@dataclass(frozen=True)
class Verdict:
    checked: int
    head: Link  # the last position that checked out, and its hash
    finding: Finding | None

    @property
    def intact(self) -> bool:
        return self.finding is None


@dataclass(frozen=True)
class Sources:
    """The store, from any position onwards (exclusive), in position order."""

    events_after: Callable[[int], Iterable[EventRow]]
    links_after: Callable[[int], Iterable[LinkRow]]


def verify(sources: Sources, anchor: Link | None = None) -> Verdict:
    """The whole store, or from ``anchor`` onwards (its own event included)."""
    if anchor is None:
        start: Link | Finding = ORIGIN
    else:
        start = _anchored_start(sources, anchor)
    if isinstance(start, Finding):
        return Verdict(0, ORIGIN, start)
    checked, last_position, last_hash = 0, start.position, start.hash
    for row in merged(sources.events_after(start.position), sources.links_after(start.position)):
        position, event_content, previous, digest = row
        if (
            event_content is None
            or digest is None
            or previous != last_position
            or link_hash(last_hash, position, event_content) != digest
        ):
            last = Link(last_position, bytes(last_hash))
            return Verdict(checked, last, diagnose(row, last, sources))
        checked, last_position, last_hash = checked + 1, position, digest
    return Verdict(checked, Link(last_position, bytes(last_hash)), None)


def merged(events: Iterable[EventRow], links: Iterable[LinkRow]) -> Iterator[Row]:
    """Both streams side by side by position (a full outer merge join)."""
    event_iter, link_iter = iter(events), iter(links)
    event, link = next(event_iter, None), next(link_iter, None)
    while event is not None or link is not None:
        if link is None or (event is not None and event[0] < link[0]):
            assert event is not None
            yield event[0], event[1], None, None
            event = next(event_iter, None)
        elif event is None or link[0] < event[0]:
            yield link[0], None, link[1], link[2]
            link = next(link_iter, None)
        else:
            yield event[0], event[1], link[1], link[2]
            event, link = next(event_iter, None), next(link_iter, None)


def diagnose(row: Row, last: Link, sources: Sources) -> Finding:
    """What happened at the first position that did not check out (``last``: the one before, verified)."""
    position, event_content, previous, digest = row
    if digest is not None and previous != last.position:
        assert previous is not None
        if last.position < previous < position:
            return Finding(Tampering.DELETED, previous, f"its link is gone too; position {position} names it")
        if previous < last.position:
            first = next(p for p, _, _ in sources.links_after(previous))
            return Finding(Tampering.INSERTED, first, "with a link of its own")
        return Finding(Tampering.EDITED, position, f"its link names position {previous} before it")
    if event_content is None:
        assert digest is not None
        moved = find_moved_event(position, last.hash, digest, sources.events_after(position))
        if moved is not None:
            return Finding(Tampering.REORDERED, position, f"the event chained here is now at position {moved}")
        return Finding(Tampering.DELETED, position)
    before = last if digest is None else Link(position, bytes(digest))
    slot = find_chained_slot(event_content, before, sources.links_after(position))
    if slot is not None:
        return Finding(Tampering.REORDERED, position, f"it holds the event chained at position {slot}")
    return Finding(Tampering.INSERTED if digest is None else Tampering.EDITED, position)


def find_chained_slot(event_content: bytes, before: Link, links: Iterable[LinkRow]) -> int | None:
    """The later position whose link is this event's (``before``: the link just before ``links``)."""
    previous_position, previous_hash = before.position, before.hash
    for position, previous, digest in links:
        if previous == previous_position and link_hash(previous_hash, position, event_content) == digest:
            return position
        previous_position, previous_hash = position, digest
    return None


def find_moved_event(position: int, previous_hash: bytes, digest: bytes, events: Iterable[EventRow]) -> int | None:
    """The later position holding the event chained at ``position``."""
    for elsewhere, event_content in events:
        if link_hash(previous_hash, position, event_content) == digest:
            return elsewhere
    return None


def _anchored_start(sources: Sources, anchor: Link) -> Link | Finding:
    """Where a walk from the anchor starts: the link before the anchor's, whose successor must carry the
    anchor's hash."""
    link = _link_at(sources, anchor.position)
    if link is None:
        return Finding(Tampering.DELETED, anchor.position, "the anchor's position is not in the chain")
    previous, digest = link
    if digest != anchor.hash:
        return Finding(Tampering.REWRITTEN, anchor.position, f"the chain says {bytes(digest).hex()}")
    if previous == 0:
        return Link(0, GENESIS)
    before = _link_at(sources, previous)
    if before is None:
        return Finding(Tampering.DELETED, previous, f"its link is gone too; position {anchor.position} names it")
    return Link(previous, bytes(before[1]))


def _link_at(sources: Sources, position: int) -> tuple[int, bytes] | None:
    for found, previous, digest in sources.links_after(position - 1):
        return (previous, digest) if found == position else None
    return None
