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

from protector.conf import CONF
from protector.engine import limits

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
