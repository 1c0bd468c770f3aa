"""Bounded concurrency per collaborator and site, shared by every operation
an engine process runs: parallel steps of many operations must not ask one
site's Nova for more builds than it schedules at once (the rest would queue
inside Nova or fail with "No valid host")."""

import contextlib
import threading
from collections.abc import Iterator

from protector.conf import CONF

BUILDS = "builds"
VOLUME_CALLS = "volume_calls"

_slots: dict[tuple[str, str], threading.BoundedSemaphore] = {}
_lock = threading.Lock()


def _limit(kind: str) -> int:
    if kind == BUILDS:
        return CONF.engine.max_concurrent_builds
    return CONF.engine.max_concurrent_volume_calls


@contextlib.contextmanager
def slot(kind: str, site: str) -> Iterator[None]:
    """Hold one of ``site``'s ``kind`` slots for the duration of the block."""
    with _lock:
        sem = _slots.get((kind, site))
        if sem is None:
            sem = _slots[(kind, site)] = threading.BoundedSemaphore(_limit(kind))
    with sem:
        yield


def reset() -> None:
    """Forget the semaphores (tests change the limits)."""
    with _lock:
        _slots.clear()
