"""API latency at estate scale: list, show, sync-status and health of PGs
and operations on a site pair holding 10,000 PGs, under 20 concurrent
clients, with one and with several protector-api workers.

Both sites' databases (MariaDB) hold the same estate (see ``_estate.py``;
site-b's is a copy of site-a's, as peer sync keeps them), and each site
runs the real ``protector-api`` (gunicorn, noauth) on it, site-b being the
peer site-a's sync-status asks. Per request kind, ``--clients`` threads
send requests at a steady pace (``--rate`` per client per second: the
dashboards and CLIs of many operators, not a flood) and the latency of
each is recorded; then the same clients send back to back, which gives
the throughput and the latency when the API is saturated. The walk to the
end of a list follows the ``next`` links, one page per request.

It prints p50 and p99 per kind, the throughput, and the resident memory
of the API's processes after the run; it never asserts.

Usage::

    python benchmarks/estate_api.py [--quick] [--shape 8989x1,1000x10,10x100,1x1000]
        [--operations 100000] [--workers 1,4] [--clients 20] [--rate 2]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import requests

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import _estate  # noqa: E402 - beside this file, as the scripts run

from protector.demo import sites as demo_sites  # noqa: E402
from protector.tests import fixtures  # noqa: E402
from protector.tests.functional.twosite import harness  # noqa: E402

FULL = "8989x1,1000x10,10x100,1x1000"  # 10,000 PGs, 20,989 VMs
QUICK = "90x1,9x10,1x100"
PAGE_GOAL_MS = 50.0
ADMIN = fixtures.IDENTITIES["admin"]


@dataclass
class Api:
    """One site's protector-api on its copy of the estate."""

    name: str
    database: str
    port: int
    service: harness.Service

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"


def _conf(workdir: str, name: str, database: str, port: int, workers: int) -> str:
    path = os.path.join(workdir, f"{name}-w{workers}", "protector.conf")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(f"""[DEFAULT]
log_dir = {os.path.dirname(path)}
state_path = {os.path.dirname(path)}
secret_key_file = {workdir}/secret.key
site_name = {name}
use_mock_storage = true
[api]
bind_host = 127.0.0.1
bind_port = {port}
workers = {workers}
graceful_timeout = 2
auth_strategy = noauth
api_paste_config = {os.path.abspath(demo_sites.PASTE_INI)}
[database]
connection = {_estate.url(database)}
[peer]
timeout = 10
retries = 0
""")
    return path


def _copy_database(source: str, target: str) -> None:
    """site-b's database: the same rows (peer sync keeps them equal)."""
    conn = fixtures._mysql()
    try:
        with conn.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS {target}")
            cur.execute(f"CREATE DATABASE {target} CHARACTER SET utf8mb4")
            cur.execute("SELECT table_name FROM information_schema.tables "
                        "WHERE table_schema = %s", (source,))
            tables = [r[0] for r in cur.fetchall()]
            cur.execute("SET foreign_key_checks = 0")
            for table in tables:
                cur.execute(f"CREATE TABLE {target}.{table} LIKE {source}.{table}")
                cur.execute(f"INSERT INTO {target}.{table} SELECT * FROM {source}.{table}")
    finally:
        conn.close()


def _sql(database: str, statement: str, *args: object) -> None:
    conn = fixtures._mysql(database)
    try:
        with conn.cursor() as cur:
            cur.execute(statement, args)
        conn.commit()
    finally:
        conn.close()


def _rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and its children (gunicorn's workers)."""
    total = 0
    pids = [pid]
    while pids:
        p = pids.pop()
        try:
            with open(f"/proc/{p}/status") as f:
                total += next(int(line.split()[1]) for line in f if line.startswith("VmRSS"))
            with open(f"/proc/{p}/task/{p}/children") as f:
                pids.extend(int(c) for c in f.read().split())
        except (OSError, StopIteration):
            continue
    return total / 1024


# -- the request kinds -------------------------------------------------------------------
@dataclass
class Kind:
    name: str
    path: Callable[[random.Random], str]
    page: bool = False  # counted against the page goal
    walk: bool = False  # path is the first page; follow next links


def kinds(estate: _estate.Estate) -> list[Kind]:
    projects = estate.projects
    pgs = estate.pg_ids
    big = max(pgs, key=lambda p: estate.pg_sizes[p])

    def project(r: random.Random) -> str:
        return r.choice(projects)

    def pg(r: random.Random) -> tuple[str, str]:
        pg_id = r.choice(pgs)
        return estate.pg_project[pg_id], pg_id

    return [
        Kind("PGs: default page (project)", lambda r: f"/{project(r)}/protection-groups",
             page=True),
        Kind("PGs: default page (admin, all)",
             lambda r: "/admin/protection-groups?all_projects=true", page=True),
        Kind("PGs: filter status+name", lambda r: (
            lambda p: f"/{p[0]}/protection-groups?status=active&name="
                      f"{estate.pg_name[p[1]]}")(pg(r)), page=True),
        Kind("PGs: walk, limit 100 (admin)",
             lambda r: "/admin/protection-groups?all_projects=true&limit=100", page=True,
             walk=True),
        Kind("PG show", lambda r: "/{}/protection-groups/{}".format(*pg(r))),
        Kind("PG sync-status (asks peer)",
             lambda r: "/{}/protection-groups/{}/sync-status".format(*pg(r))),
        Kind(f"PG sync-status, {estate.pg_sizes[big]}-VM PG",
             lambda r: f"/{estate.pg_project[big]}/protection-groups/{big}/sync-status"),
        Kind("health: one PG", lambda r: "/{}/health?protection_group_id={}".format(*pg(r))),
        Kind("health: project, default page", lambda r: f"/{project(r)}/health", page=True),
        Kind("ops: default page (project)", lambda r: f"/{project(r)}/operations",
             page=True),
        Kind("ops: filter by PG", lambda r: "/{}/operations?protection_group_id={}".format(
            *pg(r)), page=True),
        Kind("ops: walk, limit 100 (one project)",
             lambda r: f"/{projects[0]}/operations?limit=100", page=True, walk=True),
        Kind("operation show", lambda r: (
            lambda o: f"/admin/operations/{o}")(r.choice(estate.operation_ids))),
    ]


def _send(session: requests.Session, base: str, path: str) -> tuple[float, dict]:
    started = time.perf_counter()
    resp = session.get(base + path, headers={**ADMIN, "OpenStack-API-Version":
                                             "protector 1.2"}, timeout=60)
    elapsed = time.perf_counter() - started
    if resp.status_code != 200:
        raise RuntimeError(f"GET {path}: {resp.status_code} {resp.text[:300]}")
    return elapsed, resp.json()


def _next(body: dict) -> str | None:
    for key, value in body.items():
        if key.endswith("_links"):
            href = value[0]["href"]
            return href.split("/v1", 1)[1]
    return None


def load(base: str, kind: Kind, *, clients: int, requests_each: int,
         rate: float | None, seed: int) -> tuple[list[float], float]:
    """Latencies (s) of ``clients`` x ``requests_each`` requests and the
    wall time; ``rate`` paces each client (None: back to back)."""
    latencies: list[float] = []
    lock = threading.Lock()
    errors: list[BaseException] = []
    start = threading.Barrier(clients + 1)

    def client(index: int) -> None:
        r = random.Random(seed * 1000 + index)
        mine: list[float] = []
        with requests.Session() as session:
            start.wait()
            began = time.perf_counter()
            phase = r.random()  # each client its own, or all would send at once
            path: str | None = None
            try:
                for i in range(requests_each):
                    if rate:
                        due = began + (i + phase) / rate
                        time.sleep(max(0.0, due - time.perf_counter()))
                    if path is None:
                        path = kind.path(r)
                    elapsed, body = _send(session, base, path)
                    mine.append(elapsed)
                    path = _next(body) if kind.walk else None
            except BaseException as exc:  # noqa: BLE001 - reported by the caller
                errors.append(exc)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for t in threads:
        t.start()
    start.wait()
    began = time.perf_counter()
    for t in threads:
        t.join()
    wall = time.perf_counter() - began
    if errors:
        raise RuntimeError(f"{kind.name}: {errors[0]}") from errors[0]
    return latencies, wall


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000


# -- the run ------------------------------------------------------------------------------
def start_pair(workdir: str, estate: _estate.Estate, peer_db: str, workers: int
               ) -> tuple[Api, Api]:
    apis = []
    for name, database in (("site-a", estate.database), ("site-b", peer_db)):
        port = demo_sites.free_port("127.0.0.1")
        conf = _conf(workdir, name, database, port, workers)
        apis.append(Api(name, database, port,
                        harness.Service("protector-api", conf, os.path.dirname(conf))))
    for api in apis:
        # Each site's record of the other: where its protector answers.
        for other in apis:
            _sql(api.database, "UPDATE sites SET protector_url = %s WHERE name = %s",
                 other.url, other.name)
        api.service.start()
    for api in apis:
        harness.wait_until(lambda api=api: answers(api.url, api.service), timeout=60,
                           what=f"{api.name}'s protector-api is not up",
                           diagnostics=api.service.diagnostics)
    return apis[0], apis[1]


def answers(url: str, service: harness.Service) -> bool:
    """Whether the protector-api at ``url`` (…/v1) answers; raises if it exited."""
    if not service.running:
        raise RuntimeError(service.diagnostics())
    try:
        requests.get(url.rsplit("/v1", 1)[0], timeout=1)
        return True
    except requests.ConnectionError:
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help=f"a small estate ({QUICK}, 1,000 operations), few requests")
    parser.add_argument("--shape", default=None, help=f"PG sizes (default {FULL})")
    parser.add_argument("--operations", type=int, default=None,
                        help="operation history rows (default 100000)")
    parser.add_argument("--projects", type=int, default=10)
    parser.add_argument("--workers", default="1,4", help="protector-api workers, per run")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--rate", type=float, default=2.0,
                        help="requests per second of each paced client")
    parser.add_argument("--requests", type=int, default=None,
                        help="requests per client and kind (default 10; --quick 3)")
    args = parser.parse_args()
    shape = _estate.Shape.parse(args.shape or (QUICK if args.quick else FULL))
    operations = args.operations if args.operations is not None else (
        1000 if args.quick else 100_000)
    per_client = args.requests or (3 if args.quick else 10)
    workers = [int(w) for w in args.workers.split(",")]
    if not _estate.database_answers():
        sys.exit("estate_api: MariaDB does not answer on 127.0.0.1:3306")

    workdir = tempfile.mkdtemp(prefix="protector-estate-api-")
    estate = _estate.create(shape, operations=operations, projects=args.projects,
                            state_path=workdir)
    peer_db = estate.database + "_b"
    try:
        _copy_database(estate.database, peer_db)
        print(f"estate: {shape.pgs} PGs, {shape.vms} VMs ({shape}), "
              f"{2 * shape.vms} volumes, {operations} operations, {args.projects} projects; "
              f"filled in {estate.fill_seconds:.0f} s (MariaDB)")
        print(f"load: {args.clients} clients; paced at {args.rate:g}/s each, then back to "
              f"back; {per_client} requests per client and kind")
        results = {w: run(workdir, estate, peer_db, w, args, per_client) for w in workers}
        report(results, workers)
    finally:
        _estate.drop(estate)
        _estate.server_sql(f"DROP DATABASE IF EXISTS {peer_db}")
        shutil.rmtree(workdir, ignore_errors=True)


@dataclass
class Row:
    kind: Kind
    paced_p50: float
    paced_p99: float
    sat_p99: float
    throughput: float


def run(workdir: str, estate: _estate.Estate, peer_db: str, workers: int,
        args: argparse.Namespace, per_client: int) -> tuple[list[Row], float]:
    site_a, site_b = start_pair(workdir, estate, peer_db, workers)
    rows = []
    try:
        for i, kind in enumerate(kinds(estate)):
            load(site_a.url, kind, clients=2, requests_each=2, rate=None, seed=99)  # warm
            paced, _ = load(site_a.url, kind, clients=args.clients,
                            requests_each=per_client, rate=args.rate, seed=i)
            flat, wall = load(site_a.url, kind, clients=args.clients,
                              requests_each=per_client, rate=None, seed=i + 100)
            rows.append(Row(kind, pct(paced, 50), pct(paced, 99), pct(flat, 99),
                            len(flat) / wall))
            print(f"  workers={workers}: {kind.name}: p99 {rows[-1].paced_p99:.1f} ms",
                  flush=True)
        rss = _rss_mb(site_a.service.proc.pid)
    finally:
        for api in (site_a, site_b):
            api.service.stop()
    return rows, rss


def report(results: dict[int, tuple[list[Row], float]], workers: list[int]) -> None:
    print()
    head = f"{'request':<36}" + "".join(
        f"{'w=' + str(w) + ' p50':>10}{'p99':>8}{'sat p99':>9}{'req/s':>7}" for w in workers)
    print("latency, ms: p50/p99 paced; sat p99 and req/s back to back")
    print(head)
    names = [row.kind for row in results[workers[0]][0]]
    for i, kind in enumerate(names):
        line = f"{kind.name:<36}"
        for w in workers:
            row = results[w][0][i]
            line += (f"{row.paced_p50:>10.1f}{row.paced_p99:>8.1f}{row.sat_p99:>9.1f}"
                     f"{row.throughput:>7.0f}")
        print(line)
    for w in workers:
        rows, rss = results[w]
        pages = [r for r in rows if r.kind.page]
        worst = max(pages, key=lambda r: r.paced_p99)
        print(f"workers={w}: protector-api RSS {rss:.0f} MB; worst page p99 "
              f"{worst.paced_p99:.1f} ms ({worst.kind.name}), goal {PAGE_GOAL_MS:.0f} ms: "
              f"{'met' if worst.paced_p99 < PAGE_GOAL_MS else 'not met'}")
    if len(workers) > 1:
        a, b = workers[0], workers[-1]
        ratios = [results[b][0][i].throughput / results[a][0][i].throughput
                  for i in range(len(names))]
        print(f"throughput, {b} workers / {a}: median {statistics.median(ratios):.2f} "
              f"(min {min(ratios):.2f}, max {max(ratios):.2f}) on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
