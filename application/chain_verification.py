"""Checking the hash chain (application/event_chain.py): walk the store in position order, recompute every
link, and name the first position where an event was edited, deleted, inserted or reordered.

Pure: the store comes in as streams from any position onwards (``Sources``). The walk reads each event
packed as ``position ‖ content`` with the hash of its link (if it has one) and checks that the hash is
SHA-256(hash before ‖ packed) — the links' own ``previous`` are not needed for that, which keeps the walk to one
stream and one hash per event. At the first event that does not check out (or a link left after the last
event) it tells what happened there:

- a link whose event is not in the store: **deleted** — unless that event sits at a later position
  (**reordered**); a link naming as previous a position in neither table: **deleted** there (event and link);
- an event without a link: **inserted** — unless it is the event chained at a later position (**reordered**);
  a link naming as previous a position before the last verified one: the ones in between were **inserted**
  (with forged links);
- an event whose hash is not its link's: **edited** — unless it is the event chained at a later position
  (**reordered**: the first position out of place holds an event that belongs further on).

An anchor (a head printed earlier) starts the walk at its position, whose link must still carry its hash;
otherwise the chain was **rewritten** at or before it (recomputed after an edit, which only an anchor shows).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

from application.event_chain import GENESIS, ORIGIN, Link, link_hash

EventRow = tuple[int, bytes]  # position, content
LinkRow = tuple[int, int, bytes]  # position, previous, hash


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


Visit = Callable[[bytes, bytes | None], bool]  # one packed event and its link's hash; False: stop


@dataclass(frozen=True)
class Sources:
    """The store, from any position onwards (exclusive), in position order. ``feed_packed(after, visit)``
    hands each event packed as ``position ‖ content`` with its link's hash (None: no link) to ``visit`` until it
    answers False (pushed, so that PostgreSQL's binary COPY can stream it)."""

    feed_packed: Callable[[int, Visit], None]
    events_after: Callable[[int], Iterable[EventRow]]
    links_after: Callable[[int], Iterable[LinkRow]]


class Walk:
    """The check of each event against its link, in position order, from ``start``: a ``Visit``."""

    __slots__ = ("start", "checked", "last_hash", "last_packed", "failed")

    def __init__(self, start: Link) -> None:
        self.start = start
        self.checked = 0
        self.last_hash: bytes = start.hash
        self.last_packed: bytes | None = None
        self.failed: bytes | None = None  # the packed event that did not check out

    def __call__(self, packed: bytes, digest: bytes | None) -> bool:
        recomputed = hashlib.sha256(self.last_hash)
        recomputed.update(packed)
        if digest is None or recomputed.digest() != digest:
            self.failed = packed
            return False
        self.checked += 1
        self.last_hash, self.last_packed = digest, packed
        return True

    @property
    def last(self) -> Link:
        """The last event that checked out."""
        if self.last_packed is None:
            return self.start
        return Link(_position(self.last_packed), bytes(self.last_hash))


def verify(sources: Sources, anchor: Link | None = None) -> Verdict:
    """The whole store, or from ``anchor`` onwards (its own event included)."""
    start = ORIGIN if anchor is None else _anchored_start(sources, anchor)
    if isinstance(start, Finding):
        return Verdict(0, ORIGIN, start)
    walk = Walk(start)
    sources.feed_packed(start.position, walk)
    last = walk.last
    if walk.failed is not None:
        return Verdict(walk.checked, last, diagnose(_position(walk.failed), last, sources))
    for tail in sources.links_after(last.position):  # events deleted at the end, their links left
        return Verdict(walk.checked, last, _missing_event(tail, last, sources))
    return Verdict(walk.checked, last, None)


def _position(packed: bytes) -> int:
    return int.from_bytes(packed[:8], "big")


def diagnose(position: int, last: Link, sources: Sources) -> Finding:
    """What happened at the first position that did not check out (``last``: the one before, verified)."""
    for link in sources.links_after(last.position):
        if link[0] < position:  # a link between them whose event is not in the store
            return _missing_event(link, last, sources)
        break
    event_content = _event_at(sources, position)
    link_here = _link_at(sources, position)
    if link_here is None:
        slot = find_chained_slot(event_content, last, sources.links_after(position))
        return _reordered(position, slot) if slot is not None else Finding(Tampering.INSERTED, position)
    previous, digest = link_here
    if previous != last.position:
        if last.position < previous < position:
            return Finding(Tampering.DELETED, previous, f"its link is gone too; position {position} names it")
        if previous < last.position:
            first = next(p for p, _, _ in sources.links_after(previous))
            return Finding(Tampering.INSERTED, first, "with a link of its own")
        return Finding(Tampering.EDITED, position, f"its link names position {previous} before it")
    slot = find_chained_slot(event_content, Link(position, bytes(digest)), sources.links_after(position))
    return _reordered(position, slot) if slot is not None else Finding(Tampering.EDITED, position)


def _reordered(position: int, slot: int) -> Finding:
    return Finding(Tampering.REORDERED, position, f"it holds the event chained at position {slot}")


def _missing_event(link: LinkRow, last: Link, sources: Sources) -> Finding:
    """A link with no event at its position: deleted, or moved to a later position."""
    position, previous, digest = link
    if last.position < previous < position:
        return Finding(Tampering.DELETED, previous, f"its link is gone too; position {position} names it")
    moved = find_moved_event(position, last.hash, digest, sources.events_after(position))
    if moved is not None:
        return Finding(Tampering.REORDERED, position, f"the event chained here is now at position {moved}")
    return Finding(Tampering.DELETED, position)


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


def _event_at(sources: Sources, position: int) -> bytes:
    for found, event_content in sources.events_after(position - 1):
        assert found == position, f"no event at position {position}"
        return event_content
    raise AssertionError(f"no event at position {position}")
