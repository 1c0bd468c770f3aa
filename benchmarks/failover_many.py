"""Many PGs failed over at once: K protection groups of N servers each,
planned then unplanned, started together on one engine, against the
critical path of them all under the shared concurrency limits.

The set-up and the model are ``_failover.py``'s (one process, two fake
clouds with modelled latency, mock storage by default); each run gets
fresh databases and clouds. All K actions are accepted by the API first,
then the engine runs the K operations at once, each in a thread of its
own as protector-engine's operation pool does (``[engine]
max_concurrent_operations`` = K), sharing its per-site build and volume
slots. Timed: from the first operation's start to the last one's end.

The critical path of K PGs is the one PG's, except that the volumes of
all PGs share the volume slots and the servers of all PGs share the build
slots (see ``_failover_model.critical_many``); the serial runbook is one
operator doing the K PGs one after another.

It prints, never asserts.

Usage::

    python benchmarks/failover_many.py [--runs 10x100,1x1000] [--kinds planned,unplanned]
                                       [--quick] [--scale 0.05] [--tmpdir /dev/shm]
"""

from __future__ import annotations

import argparse
import datetime
import logging
import os
import sys
import time
from concurrent import futures
from dataclasses import dataclass, replace

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import _failover  # noqa: E402 - beside this file, as the scripts run
from _failover_model import (  # noqa: E402
    DEFAULT_SCALE,
    Limits,
    Model,
    boot_groups,
    critical_many,
    serial_runbook,
)

from protector.conf import CONF  # noqa: E402
from protector.engine import worker  # noqa: E402
from protector.tests.functional.engine.conftest import op  # noqa: E402

GOALS = {1: 1.25}  # one PG; any K > 1: MANY_GOAL
MANY_GOAL = 1.2


@dataclass
class Result:
    kind: str
    pgs: int
    n: int
    elapsed: float
    cpu: float
    critical: float
    serial: float
    rtos: list[float]

    @property
    def goal(self) -> float:
        return GOALS.get(self.pgs, MANY_GOAL)


def run_many(kind: str, pgs: int, n: int, groups: int, m: Model, lim: Limits,
             tmpdir: str | None) -> Result:
    with _failover.environment(n, groups, m, lim, tmpdir, pgs=pgs) as env:
        for cloud in env.clouds.values():
            cloud.default_latency = m.latency
        _failover._replicate_delay[0] = m.replicate
        if kind == "unplanned":
            # Issued to the DR site, as after a disaster: this process's
            # database and engine become site-b's (site-a is the fake peer).
            CONF.set_override("site_name", "site-b")
        try:
            op_ids = [env.owner.post(base + "/action", _failover.action(kind),
                                     status=202).json["operation"]["id"]
                      for base in env.bases]
            env.casts.clear()
            with futures.ThreadPoolExecutor(pgs, thread_name_prefix="operation") as pool:
                cpu = time.process_time()
                started = time.perf_counter()
                list(pool.map(lambda o: worker.run(o, host="engine-1"), op_ids))
                elapsed = time.perf_counter() - started
                cpu = time.process_time() - cpu
        finally:
            _failover._replicate_delay[0] = 0.0
            CONF.set_override("site_name", "site-a")
        rtos = []
        for op_id in op_ids:
            row = op(env.owner, op_id)
            if row["status"] != "completed":
                raise RuntimeError(f"{kind} failover of {op_id} ended {row['status']}: "
                                   f"{row['error_message']}")
            rtos.append((datetime.datetime.fromisoformat(row["completed_at"])
                         - datetime.datetime.fromisoformat(row["started_at"])).total_seconds())
        site_b = env.clouds["site-b"]
        active = sum(1 for s in site_b.servers.values() if s.status == "ACTIVE")
        if active != pgs * n:
            raise RuntimeError(f"{active} of {pgs * n} servers ACTIVE on site-b")
    sizes = boot_groups(n, groups)
    return Result(kind, pgs, n, elapsed, cpu, critical_many(kind, m, lim, pgs, sizes),
                  pgs * serial_runbook(kind, m, lim, n), rtos)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", default=None,
                        help="PGs x servers per run (default 10x100,1x1000; --quick 3x10)")
    parser.add_argument("--kinds", default="planned,unplanned")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--scale", type=float, default=DEFAULT_SCALE)
    parser.add_argument("--boot-groups", type=int, default=2)
    parser.add_argument("--workers", type=int, default=Limits.workers)
    parser.add_argument("--builds", type=int, default=Limits.builds)
    parser.add_argument("--hosts", type=int, default=Limits.hosts)
    parser.add_argument("--tmpdir", default=None)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    logging.getLogger().setLevel(logging.ERROR)
    runs = [tuple(int(x) for x in r.split("x"))
            for r in (args.runs or ("3x10" if args.quick else "10x100,1x1000")).split(",")]
    m = Model.scaled(args.scale)
    lim = replace(Limits(), workers=args.workers, builds=args.builds, hosts=args.hosts)
    print(f"many PGs at once, mock storage; model scale {args.scale}; "
          f"{lim.describe()} (per operation: workers; per engine and site: builds)")
    print(f"{'kind':<10} {'PGs x VMs':>10} {'measured s':>10} {'crit s':>7} {'ratio':>6} "
          f"{'goal':>5} {'serial s':>9} {'meas/serial':>11} {'cpu s':>7} {'RTO min-max s':>14}")
    for kind in args.kinds.split(","):
        for pgs, n in runs:
            r = run_many(kind, pgs, n, args.boot_groups, m, lim, args.tmpdir)
            ratio = r.elapsed / r.critical
            print(f"{kind:<10} {f'{pgs} x {n}':>10} {r.elapsed:>10.2f} {r.critical:>7.2f} "
                  f"{ratio:>6.2f} {r.goal:>5.2f} {r.serial:>9.1f} "
                  f"{r.elapsed / r.serial:>11.4f} {r.cpu:>7.2f} "
                  f"{min(r.rtos):>6.1f}-{max(r.rtos):<7.1f}"
                  + ("" if ratio <= r.goal else "  (goal not met)"), flush=True)
    print("ratio = measured / critical path of all the PGs together under the shared\n"
          "limits; serial = one operator running the PGs one after another by CLI")


if __name__ == "__main__":
    main()
