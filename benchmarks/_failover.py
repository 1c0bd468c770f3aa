"""Shared by ``failover_planned.py`` and ``failover_test.py``: one protection
group of N servers (boot + data volume each) failed over by the real engine,
in this process, between two fake clouds, against a model of a real cloud.

Set-up is the engine functional tests' (``protector/tests/functional/engine/
conftest.py``) without pytest: the API app on a migrated SQLite database in a
temporary state path (``--tmpdir``), noauth, the peer site in memory, casts
recorded, not sent. Members are added through the API; their protect tasks
run directly (see ``_protect_all``). Every N gets fresh databases and
clouds. Only the failover operation is timed (``worker.run``, without the
API call). A test failover of more than 253 servers uses the mapped
networks, because the isolated test network is a /24.

The model
---------
Durations in seconds at ``--scale 1`` (a loaded production cloud). The
default scale is 0.05: the model's part of a run stays small, and the
engine's own CPU time sets the run time at 500 servers::

    l  API call latency (every fake Nova/Cinder/Neutron call)     0.2
    p  poll interval while waiting for a status                   2
    stop  server ACTIVE -> SHUTOFF                                10
    R  final "replicate now" until the target array holds it      30
    vol   volume copy of a recovery point until ``available``      10
    build server BUILD -> ACTIVE (boot from volume)               40
    attach data volume attaching -> in-use                        5

The fake clouds provide l, p and the transitions. Storage (``--storage``):

- ``mock`` (default, as the engine tests): no latency of its own. It
  materialises a copy as a Cinder volume created on the target
  (``create_volume`` + wait ``available``, duration vol), so the flow's
  Cinder *manage* is skipped: vol stands for array copy + manage.
- ``simulator`` (as ``test_pure_flows.py``): the ``pure`` driver over HTTPS
  to two simulated FlashArrays that are the fake Cinders' back ends; every
  array call costs l too, the copies are real array copies and site-b's
  Cinder manages them (``manage_volume`` + wait, duration vol) under
  ``[engine] max_concurrent_volume_calls``. The fabric's clock is simulated
  and moves when the driver waits, so transfers cost no real time.

Either way ``replicate_now`` is wrapped here to sleep R first (what the
final transfer of a planned failover costs).

A wait is polled: a status read costs l and reads are p apart, so a
transition of duration d, started when the call that caused it returned,
is seen after ``w(d) = k*l + (k-1)*p`` for the smallest k with ``w >= d``.
A step that waits therefore costs ``c(d) = l + w(d)`` (the call, then
the wait).

Critical path
-------------
The longest chain of calls that depend on each other, with independent
calls overlapped up to the concurrency limits and nothing else::

    planned = l                                # pre-checks (flavor, network,
                                               #   volume type lookups at once)
            + c(stop)                          # stop all, wait SHUTOFF
            + R                                # replicate now
            + ceil(2N / V) * c(vol)            # every volume copied
            + sum over boot groups g of
                ceil(n_g / S) * c(build)       # boot, wait ACTIVE
                + c(attach)                    # attach data volumes, wait in-use
            + l                                # switch (records + peer sync)

    test    = l + l                            # pre-checks; isolated network
            + ceil(2N / V) * c(vol)
            + sum over g of ceil(n_g / S) * c(build) + c(attach)

with ``S = min([engine] max_concurrent_builds, Nova hosts * builds per
host, [engine] max_workers)`` build slots and V volume slots: mock,
``V = 2 * [engine] max_workers`` (it copies a member's two volumes in
parallel inside one step and takes no ``max_concurrent_volume_calls``
slot); simulator, ``V = min(max_concurrent_volume_calls, max_workers)``
manages, after ``7l`` of array calls for the copies (4 reads and checks, 2
to log in, 1 round of copies). Reading the recovery point and the
database cost nothing in the model.

Serial runbook
--------------
The same calls one after another, as an operator with a CLI would: the
pre-checks, then per server stop and wait, R, per volume copy and wait,
per server boot and wait, per data volume attach and wait, the switch::

    planned = l + N*c(stop) + R + 2N*c(vol) + N*(c(build) + c(attach)) + l
    test    = 2l + 2N*c(vol) + N*(c(build) + c(attach))

(simulator: plus one array call per volume copied, 2N*l).

It prints, never asserts.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import logging
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

import pytest
import webtest
from _failover_model import (  # noqa: E402 - beside this file, as the scripts run
    DEFAULT_SCALE,
    REAL,
    Limits,
    Model,
    boot_groups,
    critical_phases,
    serial_runbook,
)

from protector import config, context, policy, states
from protector.api import deploy
from protector.clients import peer as peer_client
from protector.clients.peer_fake import FakePeers
from protector.cloud import base as cloud_base
from protector.cloud.fake.cloud import FakeCloud
from protector.cloud.fake.compute import seed_server
from protector.conf import CONF
from protector.conf import storage as storage_conf
from protector.db import migration, session
from protector.db import operations as op_db
from protector.engine import limits, persistence, progress, resources, rpcapi, worker
from protector.engine.flows import protect as protect_flow
from protector.engine.tasks import protection
from protector.storage import factory as storage_factory
from protector.storage.drivers.mock import MockDriver
from protector.storage.drivers.pure import PureDriver
from protector.storage.simulator import SimulatedFabric
from protector.storage.simulator.cinder import SimulatedArrayBackend
from protector.tests import fixtures
from protector.tests.conftest import Client
from protector.tests.functional.api import helpers
from protector.tests.functional.engine.conftest import Sites, op

NETWORK = "bench"
ARRAYS = {"site-a": "array-a", "site-b": "array-b"}  # the simulator's, per site


@dataclass
class Env:
    owner: Client
    base: str
    clouds: Sites
    casts: list[str]
    names: list[list[str]]  # server names per boot group (of the first PG)
    bases: list[str] = field(default_factory=list)  # every PG's URL
    spans: dict[str, list[float]] = field(default_factory=dict)  # step -> [start, end]
    sim: SimulatedFabric | None = None


def _configure(tmp: str, lim: Limits, pgs: int = 1) -> None:
    if not config.is_parsed():
        config.parse_args([], default_config_files=[])
    storage_conf.register_opts(CONF)
    CONF.set_override("state_path", tmp)
    CONF.set_override("connection", f"sqlite:///{tmp}/protector.sqlite", group="database")
    CONF.set_override("auth_strategy", "noauth", group="api")
    CONF.set_override("policy_file", os.path.join(tmp, "policy.yaml"), group="oslo_policy")
    CONF.set_override("site_name", "site-a")
    CONF.set_override("use_mock_storage", lim.storage == "mock")
    CONF.set_override("max_workers", lim.workers, group="engine")
    CONF.set_override("max_concurrent_builds", lim.builds, group="engine")
    CONF.set_override("max_concurrent_volume_calls", lim.volume_calls, group="engine")
    CONF.set_override("max_concurrent_operations", max(pgs, 1), group="engine")
    session.reset()
    policy.reset()
    persistence.reset()
    limits.reset()


def _cloud(name: str, m: Model, lim: Limits, backend: Any = None) -> FakeCloud:
    # No latency while protecting; the model is switched on for the run.
    cloud = FakeCloud(name, compute_hosts=lim.hosts, max_concurrent_builds=lim.host_builds,
                      build_time=m.build, power_time=m.stop, attach_time=m.attach,
                      volume_create_time=m.volume, image_copy_time=0.0,
                      manage_time=m.volume, group_time=0.0, poll_interval=m.poll,
                      backend=backend)
    cloud.add_network(NETWORK, "10.0.0.0/16")  # the seeded /24 holds 253 ports
    return cloud


# Seconds the wrapped replicate_now sleeps: 0 while setting up.
_replicate_delay = [0.0]


def _delayed_replicate(real: Callable[..., Any]) -> Callable[..., Any]:
    def replicate_now(self: Any, timeout: float | None = None) -> Any:
        time.sleep(_replicate_delay[0])
        return real(self, timeout)

    return replicate_now


@contextlib.contextmanager
def _arrays(mp: pytest.MonkeyPatch) -> Iterator[SimulatedFabric | None]:
    """The simulated arrays and the engine's drivers on their clock (as
    ``test_pure_flows.py``), or None for mock storage."""
    # R models the final transfer, so the fabric's own takes one driver poll.
    with SimulatedFabric(list(ARRAYS.values()), transfer_seconds=1,
                         eradication_delay_sec=3600) as sim:
        sim.array("array-a").api_token = helpers.POLICY["primary_fa_api_token"]
        sim.array("array-b").api_token = helpers.POLICY["secondary_fa_api_token"]
        CONF.set_override("ca_file", sim.ca_file, group="storage")
        real_options = storage_factory.options_from_conf

        def now() -> float:
            return sim.clock.now_ms() / 1000

        def sim_options(conf: Any = CONF, **overrides: Any) -> Any:
            return real_options(conf, **{"sleep": sim.advance, "monotonic": now,
                                         "clock": now, "replicate_timeout": 600.0,
                                         **overrides})

        mp.setattr(storage_factory, "options_from_conf", sim_options)
        try:
            yield sim
        finally:
            CONF.clear_override("ca_file", group="storage")


@contextlib.contextmanager
def environment(n: int, groups: int, m: Model, lim: Limits,
                tmpdir: str | None = None, pgs: int = 1) -> Iterator[Env]:
    """``pgs`` PGs of ``n`` protected servers each on site-a, replicated once."""
    with contextlib.ExitStack() as stack:
        tmp = stack.enter_context(tempfile.TemporaryDirectory(dir=tmpdir,
                                                              prefix="protector-bench-"))
        mp = stack.enter_context(pytest.MonkeyPatch.context())
        _configure(tmp, lim, pgs)
        migration.upgrade()
        peers = FakePeers()
        mp.setattr(peer_client, "get_client", peers.get_client)
        casts: list[str] = []
        mp.setattr(rpcapi.EngineAPI, "__init__", lambda self: None)
        mp.setattr(rpcapi.EngineAPI, "run_operation",
                   lambda self, ctxt, operation_id: casts.append(operation_id))
        for driver in (MockDriver, PureDriver):
            mp.setattr(driver, "replicate_now", _delayed_replicate(driver.replicate_now))
        array_policy = dict(helpers.POLICY)
        sim = None
        if lim.storage == "simulator":
            sim = stack.enter_context(_arrays(mp))
            array_policy.update(primary_fa_url=f"https://{sim.target('array-a')}",
                                secondary_fa_url=f"https://{sim.target('array-b')}")
        app = webtest.TestApp(deploy.load_app(os.path.abspath(fixtures.PASTE_INI)))
        clients = {who: Client(app, who) for who in fixtures.IDENTITIES}
        sites = Sites({site: _cloud(site, m, lim, sim and SimulatedArrayBackend(
            sim.fabric, array)) for site, array in ARRAYS.items()})
        sites.down = set()
        previous = cloud_base.set_provider(sites.provider)
        try:
            env = _protect(clients, sites, casts, n, groups, array_policy, pgs)
            env.sim = sim
            yield env
        finally:
            cloud_base.set_provider(previous)
            persistence.reset()
            limits.reset()
            session.reset()


def _protect(clients: dict[str, Client], sites: Sites, casts: list[str], n: int,
             groups: int, array_policy: dict[str, Any], pgs: int = 1) -> Env:
    helpers.make_sites(clients["admin"])
    owner = clients["owner"]
    env = Env(owner, "", sites, casts, [])
    for p in range(1, pgs + 1):
        helpers.make_pg(owner, f"pg{p}", network_mapping={NETWORK: NETWORK},
                        volume_type="replicated")
        base = f"/v1/{owner.project}/protection-groups/pg{p}"
        owner.post(base + "/policy", array_policy, status=201)
        casts.clear()
        index = 0
        for order, size in enumerate(boot_groups(n, groups), start=1):
            if p == 1:
                env.names.append([])
            for _ in range(size):
                name = f"vm{index:03d}" if p == 1 else f"pg{p}-vm{index:03d}"
                index += 1
                sid = seed_server(sites["site-a"], name, network=NETWORK,
                                  volume_sizes=(1, 2))
                owner.post(base + "/members", {"instance_id": sid, "boot_order": order},
                           status=201)
                if p == 1:
                    env.names[-1].append(name)
        first = casts[0]
        _protect_all(first)
        assert op(owner, first)["status"] == "completed", op(owner, first)
        driver = resources.load(first, context.get_admin_context().to_dict()).storage()
        driver.replicate_now()  # what the array's schedule would have done
        driver.close()
        env.bases.append(base)
    casts.clear()
    env.base = env.bases[0]
    return env


def _protect_all(op_id: str) -> None:
    """What the protect flow of ``op_id`` does for every member, its tasks
    run here one after another on one loaded view.

    Protecting is not what is measured, and through ``worker.run`` it costs
    O(N^2) (every task reloads the whole PG and taskflow writes each state
    change): over 10 minutes at 500 servers. The tasks read from the view
    only what protecting does not change (ids, sites, policy), so one view
    serves them all. The API's other protect operations would find no member
    left to add, so they stay pending: nothing here sweeps them.
    """
    ctx = context.get_admin_context()
    ctx_dict = ctx.to_dict()
    view = resources.load(op_id, ctx_dict)
    member_ids = [m.id for m in view.pg.members]
    op_db.update(ctx, op_id, {"status": states.OP_RUNNING,
                              "parameters": {**view.params, "member_ids": member_ids}})
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(resources, "load", lambda operation_id, context=None: view)
        protection.EnsureContainers(name="ensure").execute(op_id, ctx_dict)
        for mid in member_ids:
            spec = {f"spec-{mid}": protection.CaptureServer(mid, name="capture").execute(
                op_id, ctx_dict)}
            protection.CheckVolumeTypes(mid, name="check").execute(op_id, ctx_dict, **spec)
            protection.ProtectVolumes(mid, name="protect").execute(op_id, ctx_dict, **spec)
            protection.MarkProtected(mid, name="mark").execute(op_id, ctx_dict)
    protect_flow.settle(ctx, op_db.get(ctx, None, op_id), states.DONE)  # one peer push
    op_db.update(ctx, op_id, {"status": states.OP_COMPLETED, "progress": 100})


# -- one timed run ---------------------------------------------------------------------
BEFORE, BETWEEN, AFTER = "engine: before 1st step", "engine: between steps", \
    "engine: after last step"
ISOLATED_PORTS = 253  # the test network is a /24 (protector.engine.tasks.network)


@dataclass
class Result:
    n: int
    elapsed: float
    cpu: float  # process CPU seconds while the operation ran
    phases: dict[str, float]
    model: dict[str, float]
    serial: float
    calls: int
    peak_builds: int
    note: str = ""

    @property
    def critical(self) -> float:
        return sum(self.model.values())


@contextlib.contextmanager
def _observe(env: Env, peak: list[int]) -> Iterator[None]:
    """Record when each step starts and ends (the engine's own progress
    listener) and the most builds holding a slot at once."""
    real_receiver = progress.ProgressListener._task_receiver
    real_slot = limits.slot
    held = [0]

    def receiver(self: Any, state: str, details: dict[str, Any]) -> None:
        now = time.perf_counter()
        span = env.spans.setdefault(details["task_name"], [now, now])
        span[0 if state == "RUNNING" else 1] = now
        real_receiver(self, state, details)

    @contextlib.contextmanager
    def slot(kind: str, site: str) -> Iterator[None]:
        with real_slot(kind, site):
            if kind == limits.BUILDS:
                held[0] += 1  # the GIL makes += on a list item safe enough here
                peak[0] = max(peak[0], held[0])
            try:
                yield
            finally:
                if kind == limits.BUILDS:
                    held[0] -= 1

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(progress.ProgressListener, "_task_receiver", receiver)
        mp.setattr(limits, "slot", slot)
        yield


def _phases(env: Env, started: float, ended: float) -> dict[str, float]:
    """Wall time per phase, from its first step's start to its last step's
    end (the flows are linear between phases, so phases do not overlap);
    the engine's own time before, between and after them."""
    by_phase: dict[str, list[list[float]]] = collections.defaultdict(list)
    group_of = {name: i for i, names in enumerate(env.names, start=1) for name in names}
    for step, span in env.spans.items():
        if step.startswith(("copy volumes of", "manage volumes of", "copy and manage")):
            key = "volumes"
        elif step.startswith("boot ") and step[5:] in group_of:  # a member's boot
            key = f"boot group {group_of[step[5:]]}"
        else:
            key = step
        by_phase[key].append(span)
    phases = {k: max(s[1] for s in v) - min(s[0] for s in v) for k, v in by_phase.items()}
    first = min(s[0] for s in env.spans.values())
    last = max(s[1] for s in env.spans.values())
    phases[BEFORE] = first - started
    phases[BETWEEN] = (last - first) - sum(phases.values()) + phases[BEFORE]
    phases[AFTER] = ended - last
    return phases


def action(kind: str, isolated: bool = False) -> dict[str, Any]:
    if kind == "test":
        return {"test_failover": {"auto_network": isolated}}
    return {"failover": {"failover_type": kind}}


def run(kind: str, n: int, groups: int, m: Model, lim: Limits, tmpdir: str | None,
        profile: str | None = None) -> Result:
    isolated = kind == "test" and n <= ISOLATED_PORTS
    body = action(kind, isolated)
    with environment(n, groups, m, lim, tmpdir) as env:
        site_b = env.clouds["site-b"]
        for cloud in env.clouds.values():
            cloud.default_latency = m.latency
            cloud.calls.clear()
        peak = [0]
        arrays = list(ARRAYS.values()) if env.sim else []
        for array in arrays:
            env.sim.set_latency(array, m.latency)  # type: ignore[union-attr]
        _replicate_delay[0] = m.replicate
        try:
            resp = env.owner.post(env.base + "/action", body, status=202)
            op_id = resp.json["operation"]["id"]
            env.casts.clear()
            with _observe(env, peak), _profiler(profile, kind, n):
                cpu = time.process_time()
                started = time.perf_counter()
                worker.run(op_id, host="engine-1")
                ended = time.perf_counter()
                cpu = time.process_time() - cpu
        finally:
            _replicate_delay[0] = 0.0
            for array in arrays:
                env.sim.set_latency(array, 0.0)  # type: ignore[union-attr]
        done = op(env.owner, op_id)
        if done["status"] != "completed":
            raise RuntimeError(f"{kind} failover of {n} servers ended {done['status']}: "
                               f"{done['error_message']}")
        active = sum(1 for s in site_b.servers.values() if s.status == "ACTIVE")
        if active != n:
            raise RuntimeError(f"{active} of {n} servers ACTIVE on site-b")
        sizes = [len(g) for g in env.names]
        calls = sum(sum(c.calls.values()) for c in env.clouds.values())
        return Result(n, ended - started, cpu, _phases(env, started, ended),
                      critical_phases(kind, m, lim, sizes), serial_runbook(kind, m, lim, n),
                      calls, peak[0],
                      "" if isolated or kind != "test" else "mapped networks")


@contextlib.contextmanager
def _profiler(path: str | None, kind: str, n: int) -> Iterator[None]:
    if not path:
        yield
        return
    from pyinstrument import Profiler  # optional: pip install pyinstrument

    profiler = Profiler(async_mode="disabled")
    profiler.start()
    try:
        yield
    finally:
        profiler.stop()
        out = f"{path}-{kind}-{n}"
        with open(out + ".html", "w") as f:
            f.write(profiler.output_html())
        with open(out + ".txt", "w") as f:
            f.write(profiler.output_text(unicode=False, color=False))
        print(f"profile of N={n} written to {out}.html and .txt", flush=True)


# -- the command line ------------------------------------------------------------------
def main(kind: str, doc: str) -> None:
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--vms", default="1,10,100,500", help="servers in the PG, per run")
    parser.add_argument("--scale", type=float, default=DEFAULT_SCALE,
                        help="multiplies every modelled duration (1 = production-like)")
    parser.add_argument("--boot-groups", type=int, default=2,
                        help="boot orders the servers are split into")
    parser.add_argument("--workers", type=int, default=Limits.workers)
    parser.add_argument("--builds", type=int, default=Limits.builds)
    parser.add_argument("--hosts", type=int, default=Limits.hosts)
    parser.add_argument("--volume-calls", type=int, default=Limits.volume_calls)
    parser.add_argument("--storage", choices=["mock", "simulator"], default="mock",
                        help="mock driver, or the pure driver on simulated FlashArrays")
    parser.add_argument("--tmpdir", default=None,
                        help="where the SQLite databases go (e.g. /dev/shm)")
    parser.add_argument("--profile", default=None, metavar="PREFIX",
                        help="write a pyinstrument profile per run to PREFIX-<kind>-<N>.html/.txt")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    logging.getLogger().setLevel(logging.ERROR)
    m = Model.scaled(args.scale)
    lim = replace(Limits(), workers=args.workers, builds=args.builds, hosts=args.hosts,
                  volume_calls=args.volume_calls, storage=args.storage)
    sizes = [int(s) for s in args.vms.split(",")]

    print(f"{kind} failover, {args.storage} storage, SQLite in "
          f"{args.tmpdir or tempfile.gettempdir()}")
    print(f"model (scale {args.scale}): " + ", ".join(
        f"{k} {getattr(m, k) * 1000:.0f} ms" for k in REAL))
    print(f"concurrency: {lim.describe()}; {args.boot_groups} boot groups")
    print(f"{'VMs':>5} {'measured s':>10} {'crit s':>7} {'ratio':>6} {'serial s':>9} "
          f"{'meas/serial':>11} {'cpu s':>7} {'calls':>6} {'peak builds':>11}")
    results = []
    for n in sizes:
        r = run(kind, n, args.boot_groups, m, lim, args.tmpdir, args.profile)
        results.append(r)
        print(f"{n:>5} {r.elapsed:>10.2f} {r.critical:>7.2f} {r.elapsed / r.critical:>6.2f} "
              f"{r.serial:>9.1f} {r.elapsed / r.serial:>11.3f} {r.cpu:>7.2f} {r.calls:>6} "
              f"{r.peak_builds:>11}" + (f"  ({r.note})" if r.note else ""), flush=True)
    print("ratio = measured / critical path; meas/serial = measured / serial runbook;\n"
          "cpu = this process's CPU time during the run (one interpreter: near 'measured'\n"
          "means the engine, not the modelled cloud, sets the pace)")
    if any(r.note for r in results):
        print(f"mapped networks: the isolated test network is a /24 ({ISOLATED_PORTS} ports), "
              "so larger drills run on the mapped networks")
    _print_phases(results)


def _print_phases(results: list[Result]) -> None:
    # The largest run has every boot group; the model lists phases in flow order.
    widest = max(results, key=lambda r: len(r.model))
    names = list(dict.fromkeys([*widest.model, BEFORE, BETWEEN, AFTER]))
    print("\nwall time per phase, s: measured / critical path")
    print(f"{'phase':<26}" + "".join(f"{'N=' + str(r.n):>16}" for r in results))
    for name in names:
        print(f"{name:<26}" + "".join(
            f"{r.phases.get(name, 0.0):>9.2f} /{r.model.get(name, 0.0):>5.2f}"
            for r in results))
