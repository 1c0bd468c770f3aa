"""RPC endpoints of protector-engine: log, then delegate to the worker.

Operations run in a bounded pool. A sweeper thread picks up operations
whose engine died (lapsed lease) and pending ones whose cast was lost.
"""

import threading
from concurrent import futures
from typing import Any

import oslo_messaging as messaging
from oslo_log import log

from protector import context as ctx_mod
from protector import version
from protector.conf import CONF
from protector.engine import leases, leftovers, monitor, rpcapi, worker
from protector.engine.tasks import network, servers, volumes

LOG = log.getLogger(__name__)

# How the leftovers sweep removes each kind. ``detail`` is what the revert
# recorded: the members whose servers or volumes are left (None: all the
# operation made), the tags of its array copies.
REMOVERS = {
    leftovers.SERVERS: leftovers.per_member(servers.delete_servers),
    leftovers.VOLUMES: leftovers.per_member(volumes.delete_volumes),
    leftovers.COPIES: volumes.remove_copies,
    leftovers.NETWORK: lambda op_id, ctx, detail: network.delete_test_networks(op_id, ctx),
}


class EngineManager:
    target = messaging.Target(version=rpcapi.RPC_API_VERSION)

    def __init__(self) -> None:
        self._pool = futures.ThreadPoolExecutor(CONF.engine.max_concurrent_operations,
                                                thread_name_prefix="operation")
        self._running: set[str] = set()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._sweeper: threading.Thread | None = None

    def ping(self, ctxt: Any) -> dict[str, Any]:
        LOG.debug("ping from %s", getattr(ctxt, "request_id", None))
        return {"host": CONF.host, "version": version.__version__}

    def run_operation(self, ctxt: Any, operation_id: str) -> None:
        LOG.info("Operation %s requested (request %s)", operation_id,
                 getattr(ctxt, "request_id", None))
        self._submit(operation_id)

    def _submit(self, operation_id: str) -> None:
        with self._lock:
            if operation_id in self._running:
                return
            self._running.add(operation_id)
        self._pool.submit(self._run, operation_id)

    def _run(self, operation_id: str) -> None:
        try:
            worker.run(operation_id)
        except Exception:
            LOG.exception("Operation %s: unexpected engine error", operation_id)
        finally:
            with self._lock:
                self._running.discard(operation_id)

    def sweep(self) -> None:
        """Submit operations nobody is running (dead engine, lost cast)."""
        for op_id in leases.orphaned(ctx_mod.get_admin_context(),
                                     pending_grace=2 * CONF.engine.sweep_interval):
            LOG.info("Operation %s has no live engine; taking it over", op_id)
            self._submit(op_id)

    def start_sweeper(self) -> None:
        def loop() -> None:
            while not self._stop.wait(CONF.engine.sweep_interval):
                try:
                    self.sweep()
                except Exception:  # noqa: BLE001 - keep sweeping after a DB blip
                    LOG.exception("Sweeping for orphaned operations failed")

        self.sweep()
        self._sweeper = threading.Thread(target=loop, daemon=True, name="sweeper")
        self._sweeper.start()
        if CONF.engine.replication_check_interval:
            threading.Thread(target=self._monitor, daemon=True,
                             name="replication-monitor").start()

    def _monitor(self) -> None:
        """Refresh every local PG's newest recovery point (protector.engine.monitor)
        and retry what rollbacks left on a target that did not answer
        (protector.engine.leftovers)."""
        while True:
            try:
                monitor.check_all(ctx_mod.get_admin_context())
            except Exception:  # noqa: BLE001 - e.g. this site is not registered yet
                LOG.debug("Replication check skipped", exc_info=True)
            try:
                leftovers.sweep(ctx_mod.get_admin_context(), REMOVERS)
            except Exception:  # noqa: BLE001 - a DB blip: next time
                LOG.exception("Sweeping the leftovers of rollbacks failed")
            if self._stop.wait(CONF.engine.replication_check_interval):
                return

    def stop(self) -> None:
        self._stop.set()
        self._pool.shutdown(wait=True)
