"""Copying snapshot volumes to neutral names on the target, and removing them.

Copies are independent ``post_volumes(source=<snapshot>)`` calls issued from
a thread pool of ``max_concurrent_copies`` threads, so N copies take about
``ceil(N / max_concurrent_copies)`` call latencies. A failure stops new
copies, lets the running ones finish and removes every copy that exists (or
may exist) before raising: materialisation is all or nothing.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass

from pypureclient import flasharray

from protector.storage import base
from protector.storage import exception as exc
from protector.storage.drivers.pure import errors
from protector.storage.drivers.pure.session import ArraySession

LOG = logging.getLogger(__name__)


@dataclass(frozen=True)
class CopyTask:
    source: str  # VolumeRef.name
    snapshot: str  # per-volume snapshot on the target
    name: str  # neutral name of the copy


class Copier:
    """Copies and removals on one (target) array."""

    def __init__(self, session: ArraySession, options: base.DriverOptions) -> None:
        self.session = session
        self.options = options
        self._executor: ThreadPoolExecutor | None = None
        self._executor_lock = threading.Lock()

    def _pool(self) -> ThreadPoolExecutor:
        # Kept for the driver's life: its threads keep their SDK clients (and
        # array sessions) from one materialisation to the next.
        with self._executor_lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(
                    max_workers=max(1, self.options.max_concurrent_copies),
                    thread_name_prefix="protector-copy")
            return self._executor

    def close(self) -> None:
        with self._executor_lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)

    # -- copy ---------------------------------------------------------------------
    def copy_all(self, tasks: Sequence[CopyTask], point: str,
                 prefix: str) -> list[base.MaterialisedVolume]:
        """Copy every task's snapshot; all or nothing.

        :param prefix: common prefix of the tasks' names (checked for clashes).
        """
        self._refuse_existing(tasks, prefix)
        done: dict[str, base.MaterialisedVolume] = {}
        maybe_created: list[str] = []
        lock = threading.Lock()
        stopping = threading.Event()  # set by the first failure: issue no more copies
        first_error: BaseException | None = None

        def copy(task: CopyTask) -> None:
            if stopping.is_set():
                return
            try:
                items = self.session.call(
                    "post_volumes", task.name, names=[task.name],
                    volume=flasharray.VolumePost(source=flasharray.Reference(name=task.snapshot)))
            except Exception as err:
                stopping.set()
                # A refused request, or one that never left, created nothing; any
                # other failure (a reset mid-response...) may have made the copy.
                nothing_made = isinstance(err, exc.ArrayRequestFailed) or (
                    isinstance(err, errors.Unreachable) and not err.sent)
                if not nothing_made:
                    with lock:
                        maybe_created.append(task.name)
                raise
            size = getattr(items[0], "provisioned", None) if items else None
            with lock:
                done[task.source] = base.MaterialisedVolume(
                    source=task.source, name=task.name, recovery_point=point, size_bytes=size)

        futures: list[Future[None]] = [self._pool().submit(copy, t) for t in tasks]
        # as_completed also waits for the copies still running after a failure.
        for fut in as_completed(futures):
            if fut.cancelled() or fut.exception() is None:
                continue
            if first_error is None:
                first_error = fut.exception()
                for other in futures:
                    other.cancel()
        if first_error is None:
            return [done[t.source] for t in tasks]

        made = [m.name for m in done.values()] + maybe_created
        LOG.warning("materialising %s on %s failed after %d of %d copies (%s); rolling back",
                    point, self.session.label, len(done), len(tasks), first_error)
        leftovers = self.remove_all(made, missing_ok=True)
        raise exc.MaterialiseFailed(array=self.session.label, count=len(tasks),
                                    reason=str(first_error), leftovers=leftovers,
                                    cause=first_error if isinstance(first_error, Exception)
                                    else None) from first_error

    def _refuse_existing(self, tasks: Sequence[CopyTask], prefix: str) -> None:
        if not tasks:
            return
        existing = set(self.list_prefixed(prefix))
        clash = sorted(t.name for t in tasks if t.name in existing)
        if clash:
            raise exc.StorageObjectExists(
                array=self.session.label, operation="post_volumes", object=prefix + "*",
                reason=f"volume(s) {', '.join(clash[:5])} exist")

    # -- remove ---------------------------------------------------------------------
    def list_prefixed(self, prefix: str) -> list[str]:
        """Volumes (live or destroyed) whose names start with ``prefix``.

        Copies are never made inside a pod, so ``pod::`` names (a pod whose
        name happens to start with the prefix) are not ours.
        """
        items = self.session.call("get_volumes", prefix + "*", filter=f"name='{prefix}*'")
        return sorted(v.name for v in items if v.name.startswith(prefix) and "::" not in v.name)

    def remove_all(self, names: Sequence[str], *, missing_ok: bool = True) -> list[str]:
        """Destroy (and eradicate) ``names`` in parallel.

        :returns: the names that could not be removed (logged).
        """
        names = list(dict.fromkeys(names))
        failed: list[str] = []
        if not names:
            return failed
        pool = self._pool()
        futures = {pool.submit(self.remove_one, n, missing_ok): n for n in names}
        for fut in as_completed(futures):
            err = fut.exception()
            if err is not None:
                LOG.error("could not remove volume %s from array %s: %s",
                          futures[fut], self.session.label, err)
                failed.append(futures[fut])
        return sorted(failed)

    def remove_one(self, name: str, missing_ok: bool = True) -> None:
        try:
            self.session.call(
                "patch_volumes", name, names=[name],
                volume=flasharray.VolumePatch(destroyed=True), idempotent=True)
        except exc.StorageObjectNotFound:
            if missing_ok:
                return
            raise
        except exc.ArrayRequestFailed as err:
            # Destroyed already (an earlier cleanup ran half-way): eradicate it.
            if not errors.matches(str(err), errors.DESTROYED):
                raise
        if self.options.eradicate:
            try:
                self.session.call("delete_volumes", name, names=[name], idempotent=True)
            except exc.StorageObjectNotFound:
                pass
