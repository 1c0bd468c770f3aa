"""Materialise N volumes from a recovery point through the FlashArray simulator.

Every API call to the target array costs a modelled latency (the
simulator's ``set_latency``). The driver issues copies in parallel up to
``max_concurrent_copies``, so the critical path is::

    (sequential calls + copy thread login + ceil(N / C) copy rounds) * latency

where the sequential calls are: read the recovery point (2), list its volume
snapshots (1), check for name clashes (1), and a copy thread's first call
logs in (2: version negotiation and login). The benchmark prints the
measured time against that bound as a ratio (1.00 = at the bound; the rest
is HTTPS and simulator overhead). The SDK, TLS and the simulator share this
one interpreter, so with many parallel copies the process itself becomes the
limit: ``ratio*`` compares against the larger of the bound and that CPU
floor (calls, counting every copy thread's login, x the measured serial cost
per call). It prints, never asserts.

Usage::

    python benchmarks/storage_materialise.py [--sizes 10,100,500] [--latency 0.05]
                                             [--concurrency 8,32]
"""

from __future__ import annotations

import argparse
import logging
import math
import time
import uuid

from pypureclient import flasharray

from protector.storage import base
from protector.storage.drivers.pure import PureDriver
from protector.storage.simulator import SimulatedFabric

GiB = 1024**3
SEQUENTIAL_CALLS = 4
LOGIN_CALLS = 2


def _driver(sim: SimulatedFabric, concurrency: int) -> PureDriver:
    def now() -> float:
        return sim.clock.now_ms() / 1000

    def endpoint(name: str) -> base.ArrayEndpoint:
        return base.ArrayEndpoint(url=sim.target(name), api_token=sim.api_token,
                                  ca_file=sim.ca_file)

    options = base.DriverOptions(sleep=sim.advance, monotonic=now, clock=now,
                                 max_concurrent_copies=concurrency, replicate_timeout=3600)
    group = base.GroupSpec(pg_id=str(uuid.uuid4()), replication_type="async")
    return PureDriver(group, base.ArrayPair(endpoint("array-a"), endpoint("array-b")), options)


def run(sim: SimulatedFabric, size: int, concurrency: int, latency: float) -> dict:
    source = sim.client("array-a")
    prefix = f"b{uuid.uuid4().hex[:8]}"
    names = [f"{prefix}-{i}" for i in range(size)]
    res = source.post_volumes(names=names, volume=flasharray.VolumePost(provisioned=GiB))
    assert res.status_code == 200, res
    driver = _driver(sim, concurrency)
    driver.ensure_replication()
    vols = [base.VolumeRef(name=n) for n in names]
    driver.add_volumes(vols)
    point = driver.replicate_now()

    sim.set_latency("array-b", latency)
    started = time.perf_counter()
    made = driver.materialise(point, vols, tag=prefix)
    elapsed = time.perf_counter() - started
    sim.set_latency("array-b", 0.0)
    assert len(made) == size
    driver.cleanup(prefix)
    driver.close()
    source._token_man.close_session()  # the SDK would log out at exit, arrays gone

    rounds = math.ceil(size / concurrency)
    bound = (SEQUENTIAL_CALLS + LOGIN_CALLS + rounds) * latency
    return {"size": size, "concurrency": concurrency, "elapsed": elapsed, "bound": bound,
            "serial": (SEQUENTIAL_CALLS + LOGIN_CALLS + size) * latency}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10,100,500")
    parser.add_argument("--latency", type=float, default=0.05,
                        help="seconds added to every call to the target array")
    parser.add_argument("--concurrency", default="8,32",
                        help="max_concurrent_copies values to try")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    logging.getLogger().setLevel(logging.ERROR)
    sizes = [int(s) for s in args.sizes.split(",")]
    levels = [int(c) for c in args.concurrency.split(",")]

    with SimulatedFabric(["array-a", "array-b"], transfer_seconds=60) as sim:
        # What a call costs this process with no modelled latency: the SDK, TLS
        # and the simulator share one interpreter (and its GIL).
        base_run = run(sim, 100, 1, 0.0)
        per_call = base_run["elapsed"] / (100 + SEQUENTIAL_CALLS + LOGIN_CALLS)
        print(f"modelled latency per call to the target: {args.latency * 1000:.0f} ms")
        print(f"process cost per call, no latency, serial: {per_call * 1000:.1f} ms")
        print(f"{'volumes':>8} {'parallel':>8} {'measured s':>11} {'bound s':>8} "
              f"{'ratio':>6} {'cpu floor s':>11} {'ratio*':>6} {'serial s':>9} {'speed-up':>8}")
        for concurrency in levels:
            for size in sizes:
                r = run(sim, size, concurrency, args.latency)
                # This process cannot go faster than its own CPU cost per call.
                threads = min(concurrency, size)
                floor = (size + SEQUENTIAL_CALLS + LOGIN_CALLS * threads) * per_call
                tight = max(r["bound"], floor)
                print(f"{r['size']:>8} {r['concurrency']:>8} {r['elapsed']:>11.2f} "
                      f"{r['bound']:>8.2f} {r['elapsed'] / r['bound']:>6.2f} "
                      f"{floor:>11.2f} {r['elapsed'] / tight:>6.2f} "
                      f"{r['serial']:>9.2f} {r['serial'] / r['elapsed']:>7.1f}x", flush=True)
        print("ratio = measured / critical-path bound; ratio* = measured / max(bound, cpu floor)")


if __name__ == "__main__":
    main()
