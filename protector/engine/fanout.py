"""The per-member calls of one step made at once.

A step that acts for every member (stop their servers, look their flavors
up, capture them) would otherwise cost one cloud round trip per member,
one after another. :func:`each` makes them in parallel, with no more in
flight than the operation's ``[engine] max_workers`` (the parallelism the
same calls would have had as steps of their own), each also holding its
collaborator's slot (``limits.py``) when given one.
"""

from collections.abc import Callable, Iterable
from concurrent import futures
from typing import TypeVar

from oslo_log import log

from protector.conf import CONF
from protector.engine import limits

LOG = log.getLogger(__name__)
T = TypeVar("T")
R = TypeVar("R")


def each(call: Callable[[T], R], items: Iterable[T], *, slot: tuple[str, str] | None = None
         ) -> list[R]:
    """``call`` on every item at once; the results in the items' order.

    Every call runs to its end even when one fails (a half-made batch is
    what a revert expects to find); then the first failure is raised.

    :param slot: (kind, site) of the limit each call holds, if any.
    """

    def one(item: T) -> R:
        if slot is None:
            return call(item)
        with limits.slot(*slot):
            return call(item)

    work = list(items)
    if len(work) <= 1:
        return [one(item) for item in work]
    width = min(len(work), CONF.engine.max_workers)
    with futures.ThreadPoolExecutor(width, thread_name_prefix="fanout") as pool:
        done = [pool.submit(one, item) for item in work]
        futures.wait(done)
    for future in done:
        error = future.exception()
        if error is not None:
            raise error
    return [future.result() for future in done]


def members(call: Callable[[str], R], member_ids: list[str], *, partial: bool = False
            ) -> dict[str, R]:
    """``call`` on every member at once: member id -> result. ``partial``:
    a member whose call fails is left out of the result, the others kept
    (its member step recorded why); else the first failure is raised."""
    if not partial:
        return dict(zip(member_ids, each(call, member_ids), strict=True))
    failed = object()

    def guarded(member_id: str) -> R | object:
        try:
            return call(member_id)
        except Exception:  # noqa: BLE001 - recorded by its member step
            LOG.warning("Member %s is left out of this operation", member_id,
                        exc_info=True)
            return failed

    results = each(guarded, member_ids)
    return {m: r for m, r in zip(member_ids, results, strict=True)  # type: ignore[misc]
            if r is not failed}
