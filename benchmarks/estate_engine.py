"""The engine's loops and both services' memory as the estate grows: CPU
per cycle of the replication monitor, the leftovers sweep and the takeover
sweep, and the resident memory of protector-api and protector-engine, at
two estate sizes (default 1,000 and 10,000 VMs), with the ratio per VM.

Each size gets a fresh MariaDB database (``_estate.py``: PGs of 10, 100 and
1,000 VMs in the issue's mix, two volumes per VM, ten operations of
history per PG) on mock storage, each PG's mock array holding one
recovery point. The loops run in this process, a few cycles each, timed
with the process's CPU clock (the mock arrays' SQLite reads included: they
stand for the array's REST call, one per PG). Then the real protector-api
and protector-engine start on the same database; the engine's monitor runs
every 2 s and the API serves a walk through every PG page and the health
of every project, after which each process's resident memory is read.

It prints, never asserts. Needs MariaDB and RabbitMQ on 127.0.0.1.

Usage::

    python benchmarks/estate_engine.py [--quick] [--vms 1000,10000] [--cycles 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass

import requests

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import _estate  # noqa: E402 - beside this file, as the scripts run
from estate_api import ADMIN, _rss_mb, answers  # noqa: E402

from protector import context  # noqa: E402
from protector.conf import CONF  # noqa: E402
from protector.db import protection_groups as pg_db  # noqa: E402
from protector.demo import sites as demo_sites  # noqa: E402
from protector.engine import leases, leftovers, manager, monitor, resources  # noqa: E402
from protector.tests.functional.twosite import harness  # noqa: E402


def shape_for(vms: int) -> _estate.Shape:
    """The issue's mix scaled to ``vms``: 10% in one big PG, 10% in PGs of
    100, the rest in PGs of 10 (1,000 VMs: 1x100, 1x100, 80x10)."""
    big = max(vms // 10, 1)
    hundreds = max(vms // 10 // 100, 1)
    tens = max((vms - big - hundreds * 100) // 10, 1)
    return _estate.Shape(((tens, 10), (hundreds, 100), (1, big)))


@dataclass
class Figures:
    vms: int
    pgs: int
    monitor: float  # CPU s per cycle
    leftovers: float
    takeover: float
    monitor_wall: float
    api_rss: float
    engine_rss: float
    engine_peak: float


def _cpu_per_cycle(call, cycles: int) -> tuple[float, float]:
    call()  # warm: connections, imports, the mock arrays' files
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(cycles):
        call()
    return ((time.process_time() - cpu) / cycles, (time.perf_counter() - wall) / cycles)


def _seed_recovery_points(ctx: context.RequestContext) -> None:
    """One recovery point per PG on its mock target array."""
    for ref in pg_db.list_(ctx, filters={}):
        driver = resources.pg_storage(pg_db.get_full(ctx, None, ref.id))
        try:
            driver.ensure_replication()
            driver.replicate_now()
        finally:
            driver.close()


def measure(vms: int, cycles: int, workdir: str) -> Figures:
    shape = shape_for(vms)
    state = os.path.join(workdir, f"vms-{vms}")
    os.makedirs(state)
    estate = _estate.create(shape, operations=10 * shape.pgs, state_path=state)
    try:
        print(f"{shape.vms} VMs in {shape.pgs} PGs ({shape}): filled in "
              f"{estate.fill_seconds:.0f} s", flush=True)
        ctx = context.get_admin_context()
        _seed_recovery_points(ctx)
        checked = monitor.check_all(ctx)
        if checked != shape.pgs:
            raise RuntimeError(f"the monitor checked {checked} of {shape.pgs} PGs")
        mon, mon_wall = _cpu_per_cycle(lambda: monitor.check_all(ctx), cycles)
        left, _ = _cpu_per_cycle(lambda: leftovers.sweep(ctx, manager.REMOVERS), cycles)
        take, _ = _cpu_per_cycle(lambda: leases.orphaned(ctx, pending_grace=30), cycles)
        api_rss, engine_rss, engine_peak = _services_rss(estate, state)
        return Figures(shape.vms, shape.pgs, mon, left, take, mon_wall, api_rss,
                       engine_rss, engine_peak)
    finally:
        _estate.drop(estate)


def _conf(state: str, estate: _estate.Estate, port: int) -> str:
    path = os.path.join(state, "protector.conf")
    run = os.path.basename(state).replace("-", "_")
    with open(path, "w") as f:
        f.write(f"""[DEFAULT]
log_dir = {state}
state_path = {state}
secret_key_file = {CONF.secret_key_file}
site_name = site-a
host = estate-engine
transport_url = {harness.TRANSPORT}
control_exchange = protector-estate-{os.getpid()}-{run}
use_mock_storage = true
[api]
bind_host = 127.0.0.1
bind_port = {port}
workers = 1
auth_strategy = noauth
api_paste_config = {os.path.abspath(demo_sites.PASTE_INI)}
[database]
connection = {estate.connection}
[engine]
topic = protector-estate-{os.getpid()}-{run}-engine
replication_check_interval = 2
[oslo_messaging_rabbit]
amqp_auto_delete = true
""")
    return path


def _services_rss(estate: _estate.Estate, state: str) -> tuple[float, float, float]:
    port = demo_sites.free_port("127.0.0.1")
    conf = _conf(state, estate, port)
    api = harness.Service("protector-api", conf, state)
    engine = harness.Service("protector-engine", conf, state)
    try:
        api.start()
        engine.start()
        base = f"http://127.0.0.1:{port}/v1"
        harness.wait_until(lambda: answers(base, api), timeout=60, what="protector-api is up",
                           diagnostics=api.diagnostics)
        headers = {**ADMIN, "OpenStack-API-Version": "protector 1.2"}
        path: str | None = "/admin/protection-groups?all_projects=true&limit=1000"
        while path:
            body = requests.get(base + path, headers=headers, timeout=120).json()
            links = body.get("protection_groups_links")
            path = links[0]["href"].split("/v1", 1)[1] if links else None
        for project in estate.projects:
            requests.get(f"{base}/{project}/health", headers=headers, timeout=120)
        # Three monitor cycles at least (every 2 s, each taking its own time).
        harness.wait_until(lambda: engine.log_since_start().count("consuming topic"),
                           timeout=60, what="protector-engine is up",
                           diagnostics=engine.diagnostics)
        time.sleep(8)
        assert engine.proc is not None and api.proc is not None
        return (_rss_mb(api.proc.pid), _rss_mb(engine.proc.pid), _peak_mb(engine.proc.pid))
    finally:
        engine.stop()
        api.stop()


def _peak_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmHWM")) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="100 and 1,000 VMs, 1 cycle")
    parser.add_argument("--vms", default=None, help="estate sizes (default 1000,10000)")
    parser.add_argument("--cycles", type=int, default=None)
    args = parser.parse_args()
    sizes = [int(v) for v in (args.vms or ("100,1000" if args.quick else "1000,10000")
                              ).split(",")]
    cycles = args.cycles or (1 if args.quick else 3)
    if not _estate.database_answers():
        sys.exit("estate_engine: MariaDB does not answer on 127.0.0.1:3306")
    workdir = tempfile.mkdtemp(prefix="protector-estate-engine-")
    try:
        figures = [measure(vms, cycles, workdir) for vms in sizes]
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    report(figures)


def report(figures: list[Figures]) -> None:
    print("\nper cycle, CPU ms (monitor wall ms); resident memory, MB")
    print(f"{'VMs':>6} {'PGs':>5} {'monitor':>9} {'(wall)':>8} {'leftovers':>10} "
          f"{'takeover':>9} {'api RSS':>8} {'engine RSS':>11} {'engine peak':>12}")
    for f in figures:
        print(f"{f.vms:>6} {f.pgs:>5} {f.monitor * 1000:>9.1f} {f.monitor_wall * 1000:>8.0f} "
              f"{f.leftovers * 1000:>10.2f} {f.takeover * 1000:>9.2f} {f.api_rss:>8.0f} "
              f"{f.engine_rss:>11.0f} {f.engine_peak:>12.0f}")
    if len(figures) > 1:
        a, b = figures[0], figures[-1]
        size = b.vms / a.vms

        def ratio(x: float, y: float) -> str:
            return f"{(y / x) / size:.2f}" if x > 0 else "n/a"

        print(f"\ngrowth per VM, {b.vms} / {a.vms} VMs (1.00 = linear, below = better):")
        print(f"  monitor CPU {ratio(a.monitor, b.monitor)}, leftovers "
              f"{ratio(a.leftovers, b.leftovers)}, takeover {ratio(a.takeover, b.takeover)}, "
              f"api RSS {ratio(a.api_rss, b.api_rss)}, engine RSS "
              f"{ratio(a.engine_rss, b.engine_rss)}, engine peak "
              f"{ratio(a.engine_peak, b.engine_peak)}")


if __name__ == "__main__":
    main()
