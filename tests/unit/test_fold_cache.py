"""The engine's shared folds: a read model given exactly the batch another folded takes that fold's states -- a
complete read model (whose rows hold the whole state) only from another complete one."""

from __future__ import annotations

from datetime import UTC, datetime

from projections.engine.events import ProjectedEvent
from projections.engine.folding import Fold, FoldCache

AT = datetime(2026, 6, 1, tzinfo=UTC)


def event(position: int, aggregate_id: str, kind: str) -> ProjectedEvent:
    return ProjectedEvent(position, aggregate_id, "Thing", position, kind, f"x:Thing.{kind}", AT, {}, {})


BATCH = [event(1, "a", "Made"), event(2, "b", "Changed"), event(3, "a", "Changed")]


def test_only_the_same_batch_takes_the_fold() -> None:
    cache = FoldCache()
    states = {"a": {"n": 2}, "b": {"n": 1}}
    cache.offer("thing", BATCH, states, complete=True)
    assert cache.take("thing", BATCH, complete=True) is states
    assert cache.take("thing", BATCH, complete=False) is states
    assert cache.take("thing", BATCH[:2], complete=False) is None  # another batch
    assert cache.take("other", BATCH, complete=False) is None  # another fold


def test_a_complete_read_model_never_takes_an_incomplete_fold() -> None:
    cache = FoldCache()
    cache.offer("thing", BATCH, {"a": {"n": 2}}, complete=False)
    assert cache.take("thing", BATCH, complete=True) is None
    assert cache.take("thing", BATCH, complete=False) == {"a": {"n": 2}}


def test_a_fold_looks_for_the_stored_state_of_aggregates_not_born_in_the_batch() -> None:
    fold = Fold("thing", "Thing", lambda state, e: {"n": (state or {"n": 0})["n"] + 1}, births=frozenset({"Made"}))
    assert fold.earlier(BATCH) == ["b"]
    assert fold.run({"b": {"n": 5}}, BATCH) == {"b": {"n": 6}, "a": {"n": 2}}
