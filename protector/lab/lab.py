"""up / down / status / env of the whole lab (both sites)."""

from __future__ import annotations

import contextlib
import fcntl
import shutil
import time
from collections.abc import Callable, Iterator

from protector.lab import arrays, config, infra, install, keystone, procs
from protector.lab.config import Site

# Process names per service in start order; `down` stops them in reverse.
PROCESSES = {
    "keystone": ("keystone-api",),
    "placement": ("placement-api",),
    "glance": ("glance-api",),
    "cinder": ("cinder-api", "cinder-scheduler", "cinder-volume"),
    "neutron": ("neutron-api", "neutron-rpc"),
    "nova": ("nova-api", "nova-conductor", "nova-scheduler", "nova-compute"),
    "protector": ("protector-api", "protector-engine"),
}
START_ORDER = [name for names in PROCESSES.values() for name in names]

Log = Callable[[str], object]


def _quiet(_msg: str) -> None:
    pass


@contextlib.contextmanager
def lock() -> Iterator[None]:
    """One `up`/`down` at a time (tests may ask for Keystone from several processes)."""
    config.lab_dir().mkdir(parents=True, exist_ok=True)
    with open(config.lab_dir() / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _stamp(log: Log, started: float, what: str) -> None:
    log(f"  [{time.monotonic() - started:6.1f}s] {what}")


def _storage(storage: str | None) -> str:
    """The storage mode to run: the one asked for, else the lab's. A lab that
    runs keeps its mode: its volumes live on those arrays."""
    current = config.storage_mode()
    if storage is None or storage == current:
        return current
    if config.storage_mode_file().exists() and any(
            procs.all_running(site) for site in (*config.SITES.values(), config.ARRAYS)):
        raise procs.LabError(f"the lab runs with --storage {current}; to switch to "
                             f"{storage} run `protector-lab down --wipe` first")
    return storage


def up(services: list[str], sites: list[Site], quiet: bool = False,
       restart: list[str] | None = None, storage: str | None = None) -> dict[str, float]:
    """Install what is missing, then bring the sites up one after the other
    (two cores: a parallel cold start only makes both slower). Idempotent;
    ``restart`` names services to stop first (say, protector after a code change);
    ``storage`` is "pure" (Cinder's Pure driver on simulated arrays) or "mock"."""
    log: Log = _quiet if quiet else print
    started = time.monotonic()
    infra.check()
    full = services != ["keystone"]
    mode = _storage(storage)
    if full and mode == "pure":
        infra.check_iscsi_initiator()
    timings = {"install": install.ensure(services, log)}
    if full:
        config.storage_mode_file().parent.mkdir(parents=True, exist_ok=True)
        config.storage_mode_file().write_text(mode + "\n")
        log(f"storage: {mode}")
        if mode == "pure":
            t0 = time.monotonic()
            arrays.up()
            _stamp(log, t0, f"{arrays.NAME}: array-a, array-b")
    for site in sites:
        t0 = time.monotonic()
        log(f"site {site.name} ({site.ip}): {', '.join(services)}")
        if restart:
            names = [n for svc in restart for n in PROCESSES[svc]]
            stopped = procs.stop_all(site, names)
            log(f"  stopped {', '.join(stopped) or 'nothing'} to restart")
        if full:
            infra.ensure_vhost(site)
        infra.ensure_databases(site, services)
        keystone.up(site)
        _stamp(log, t0, "keystone")
        if full:
            from protector.lab import catalog, openstack, protector_site

            catalog.identity(site)
            _stamp(log, t0, "service users and catalog")
            openstack.up(site, lambda what, t0=t0: _stamp(log, t0, what))
            catalog.resources(site)
            _stamp(log, t0, "volume types, image, flavors, network")
            protector_site.up(site)
            _stamp(log, t0, "protector-api and protector-engine")
        _check_alive(site, services)
        timings[f"site-{site.name}"] = time.monotonic() - t0
    write_clouds_yaml()
    timings["total"] = time.monotonic() - started
    if not quiet:
        print(f"up: {timings['total']:.0f}s in all ("
              + ", ".join(f"{k} {v:.0f}s" for k, v in timings.items() if k != "total") + ")")
        print_status(config.select_sites(None))
    return timings


def _check_alive(site: Site, services: list[str]) -> None:
    """RPC services have no port to wait on: make sure none died after starting."""
    for service in services:
        for name in PROCESSES[service]:
            if procs.running(site, name) is None:
                logs = sorted(site.svc_dir(service).glob("log/*"), key=lambda p: p.stat().st_mtime)
                raise procs.LabError(f"{name} of site {site.name} is not running; "
                                     f"see {site.svc_dir(service) / 'log'}"
                                     + (":\n" + procs.log_tail(logs[-1]) if logs else ""))


def _ordered(found: list[procs.Running]) -> list[procs.Running]:
    rank = {name: i for i, name in enumerate(START_ORDER)}
    return sorted(found, key=lambda r: rank.get(r.name, -1), reverse=True)


def down(sites: list[Site], wipe: bool = False) -> None:
    """Stop what `up` started (by pid file); --wipe also drops DBs, vhosts, state."""
    for site in reversed(sites):
        stopped = procs.stop_all(site, [r.name for r in _ordered(procs.all_running(site))])
        print(f"site {site.name}: stopped {', '.join(stopped) or 'nothing'}")
        if wipe:
            dropped = infra.drop_databases(site)
            with contextlib.suppress(procs.LabError):
                infra.drop_vhost(site)
            shutil.rmtree(site.dir, ignore_errors=True)
            print(f"site {site.name}: dropped {len(dropped)} databases, vhost {site.vhost}, "
                  f"state in {site.dir}")
    if len(sites) == len(config.SITES) and arrays.down():
        print(f"{arrays.NAME}: stopped (array-a, array-b; their state is gone)")
    if wipe and len(sites) == len(config.SITES):
        shutil.rmtree(config.ARRAYS.dir, ignore_errors=True)
        config.storage_mode_file().unlink(missing_ok=True)
        infra.drop_db_user()
        config.clouds_yaml().unlink(missing_ok=True)
        config.tenant_clouds_yaml().unlink(missing_ok=True)
        shutil.rmtree(config.mock_storage_dir(), ignore_errors=True)


def memory(sites: list[Site]) -> tuple[dict[str, int], int]:
    """PSS in KiB per site, and the total."""
    per_site = {s.name: sum(procs.pss_kib(r.pids) for r in procs.all_running(s)) for s in sites}
    return per_site, sum(per_site.values())


def print_status(sites: list[Site]) -> bool:
    anything = False
    total = 0
    for site in sites:
        found = sorted(procs.all_running(site), key=lambda r: START_ORDER.index(r.name)
                       if r.name in START_ORDER else 99)
        if not found:
            print(f"site {site.name} ({site.ip}): not running")
            continue
        anything = True
        site_kib = 0
        print(f"site {site.name} ({site.ip}):")
        for run in found:
            kib = procs.pss_kib(run.pids)
            site_kib += kib
            print(f"  {run.name:18} pid {run.pid:<8} {len(run.pids):2} proc  {kib / 1024:7.0f} MiB")
        print(f"  {'site total':18} {'':24} {site_kib / 1024:7.0f} MiB (PSS)")
        total += site_kib
    if arrays.running():
        kib = arrays.memory_kib()
        total += kib
        print(f"arrays (storage {config.storage_mode()}): {arrays.NAME} pid {arrays.running()}"
              f"  {kib / 1024:.0f} MiB")
    if anything:
        print(f"lab total: {total / 1024:.0f} MiB PSS (MariaDB and RabbitMQ not counted); "
              f"clouds.yaml: {config.clouds_yaml()}")
    return anything


def _cloud(name: str, site: Site, creds: keystone.Credentials) -> str:
    return (f"  {name}:\n"
            f"    auth:\n"
            f"      auth_url: {site.keystone_url}\n"
            f"      project_name: {creds.project_name}\n"
            f"      username: {creds.username}\n"
            f"      password: {creds.password}\n"
            f"      user_domain_name: {creds.user_domain_name}\n"
            f"      project_domain_name: {creds.project_domain_name}\n"
            f"    region_name: {config.REGION}\n"
            f"    identity_api_version: 3\n")


def write_clouds_yaml() -> None:
    """site-a / site-b as the spec shows them (admin), plus <site>-demo and
    <site>-protector; and clouds-demo.yaml, site-a / site-b as the demo user."""
    parts = ["# Written by protector-lab; lab-only passwords.\nclouds:\n"]
    for site in config.SITES.values():
        creds = keystone.credentials(site)
        parts.append(_cloud(site.cloud, site, creds["admin"]))
        parts.append(_cloud(f"{site.cloud}-demo", site, creds["demo"]))
        parts.append(_cloud(f"{site.cloud}-protector", site, creds["protector"]))
    path = config.clouds_yaml()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(parts))
    # The spec's clouds.yaml as a tenant has it: the CLI reaches the other
    # site as the same user, which makes the trust protector acts with there.
    tenant = ["# Written by protector-lab: the demo tenant on both sites.\nclouds:\n"]
    tenant += [_cloud(site.cloud, site, keystone.credentials(site)["demo"])
               for site in config.SITES.values()]
    config.tenant_clouds_yaml().write_text("\n".join(tenant))


def env_lines(site: Site | None) -> list[str]:
    lines = [f"export PROTECTOR_LAB_DIR={config.lab_dir()}",
             f"export OS_CLIENT_CONFIG_FILE={config.clouds_yaml()}"]
    if site:
        lines.append(f"export OS_CLOUD={site.cloud}")
    return lines
