"""protector-demo: a two-site DR drill on this machine, with no OpenStack or
array at hand.

Starts two protector sites on loopback (protector-api and protector-engine
each, own SQLite database; RabbitMQ when it answers on 127.0.0.1:5672, else
no broker), fake clouds with a real cloud's latencies and two simulated
FlashArrays, then runs the drill of :mod:`protector.demo.drill` and prints
each operation's RTO and report. Everything it started is stopped at the
end, on an error and on Ctrl-C.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import sys
import tempfile
import time
from typing import Any

from rich.console import Console

from protector.demo import drill as drill_mod
from protector.demo import infra as infra_mod
from protector.demo import sites as sites_mod

HOSTS = {"site-a": "127.0.0.1", "site-b": "127.0.0.2"}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="protector-demo", description="Run a two-site DR drill on this machine.")
    parser.add_argument("--vms", type=int, default=3, metavar="N",
                        help="VMs in the protection group, 1 to 500 (default 3)")
    parser.add_argument("--workdir", metavar="DIR",
                        help="Where configs, databases, logs and reports go "
                             "(default: a new directory under /tmp)")
    parser.add_argument("--messaging", choices=("auto", "rabbit", "none"), default="auto",
                        help="auto: RabbitMQ on 127.0.0.1:5672 if it answers, else none "
                             "(operations reach the engine through its sweep)")
    parser.add_argument("--scale", type=float, default=1.0,
                        help="Multiply the fake clouds' and arrays' latencies (default 1)")
    parser.add_argument("--keep", action="store_true",
                        help="Keep the work directory (reports are always kept)")
    parser.add_argument("--lab", action="store_true",
                        help="Run the drill against the two-site OpenStack lab "
                             "(`protector-lab up`, docs/lab.md) instead of the fakes: "
                             "its Keystones, clouds and protector services, on the "
                             "lab's storage")
    parser.add_argument("--storage", choices=("pure", "mock"), default=None,
                        help="With --lab: the storage the lab must run (`protector-lab up "
                             "--storage`): pure, Cinder's Pure driver on simulated "
                             "FlashArrays, or mock. Default: whatever it runs")
    parser.add_argument("--dashboard", action="store_true",
                        help="With --lab: start Horizon with protector_dashboard on the lab "
                             "(http://127.0.0.1:8080), seed --vms servers (at most 3) for "
                             "the demo tenant and wait for Ctrl-C, to run the drill by hand in a "
                             "browser (docs/dashboard.md)")
    args = parser.parse_args(argv)
    if args.storage and not args.lab:
        parser.error("--storage needs --lab: the fakes' demo has its own simulated arrays")
    if args.dashboard and not args.lab:
        parser.error("--dashboard needs --lab: Horizon logs in through Keystone, and only "
                     "the lab has one (`protector-lab up`)")
    if not 1 <= args.vms <= 500:
        parser.error("--vms must be between 1 and 500")
    if args.scale <= 0:
        parser.error("--scale must be positive")
    return args


def _transport(mode: str) -> str:
    if mode == "rabbit" or (mode == "auto" and sites_mod.rabbitmq_answers()):
        return "rabbit://guest:guest@127.0.0.1:5672/"
    return "fake://"


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def _shield(on: bool) -> None:
    """Ignore Ctrl-C and SIGTERM while cleaning up (on), then listen again."""
    signal.signal(signal.SIGINT, signal.SIG_IGN if on else signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.SIG_IGN if on else _interrupt)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    console = Console(highlight=False)
    if not console.is_terminal:
        console.width = max(console.width, 120)  # a log keeps the summary table whole
    signal.signal(signal.SIGTERM, _interrupt)
    if args.dashboard:
        return _main_dashboard(args, console)
    if args.lab:
        return _main_lab(args, console)
    workdir = args.workdir or tempfile.mkdtemp(prefix="protector-demo-")
    os.makedirs(workdir, exist_ok=True)
    reports = os.path.join(workdir, "reports")
    transport = _transport(args.messaging)
    started = time.monotonic()
    infra = infra_mod.Infrastructure(workdir, scale=args.scale, vms_hint=args.vms)
    sites: dict[str, sites_mod.Site] = {}
    ok = False
    try:
        console.rule("[bold]protector demo: two sites, one protection group")
        console.print(f"work directory {workdir}; messaging "
                      f"{'RabbitMQ' if transport.startswith('rabbit') else 'none'}")
        infra.start()
        assert infra.address is not None
        for name, host in HOSTS.items():
            site = sites_mod.Site(
                name, host, workdir, transport_url=transport,
                exchange=f"protector-demo-{name}",
                fake_cloud=f"{infra.address[0]}:{infra.address[1]}",
                authkey_file=infra.authkey_file, ca_file=infra.arrays.ca_file,
                max_builds=max(10, min(args.vms, 100)))
            site.db_sync()
            site.start()
            sites[name] = site
            console.print(f"  {name}: protector-api {site.url}, protector-engine "
                          f"(pids {', '.join(map(str, site.running()))})")
        console.print(f"  clouds and arrays up; sites up in {time.monotonic() - started:.1f} s")
        _run_drill(console, drill_mod.Drill(console, sites, infra, args.vms, reports),
                   infra, sites)
        ok = True
    except KeyboardInterrupt:
        console.print("\n[yellow]interrupted: stopping everything the demo started[/yellow]")
    except Exception as exc:  # noqa: BLE001 - one clear line, then clean up
        console.print(f"[red]demo failed: {exc}[/red]")
        console.print(f"logs: {workdir}/site-*/protector-*.log")
    finally:
        _shield(True)  # a second Ctrl-C or SIGTERM must not skip this
        for site in sites.values():
            site.stop()
        infra.stop()
        _shield(False)
    console.print(f"everything stopped; {time.monotonic() - started:.0f} s in all")
    if ok and not args.keep and not args.workdir:
        # Reports outlive the rest of the work directory.
        for entry in os.listdir(workdir):
            if entry != "reports":
                path = os.path.join(workdir, entry)
                shutil.rmtree(path) if os.path.isdir(path) else os.remove(path)
    return 0 if ok else 1


def _main_lab(args: argparse.Namespace, console: Console) -> int:
    """The drill on the lab; the lab stays up, the drill's servers and PG go."""
    from protector.demo import lab as lab_mod

    problem = lab_mod.problem()
    if problem:
        console.print(f"[red]the lab is not up ({problem}); start it with "
                      "`protector-lab up` (docs/lab.md)[/red]")
        return 2
    from protector.lab import config as lab_config

    if args.storage and args.storage != lab_config.storage_mode():
        console.print(f"[red]the lab runs --storage {lab_config.storage_mode()}; for "
                      f"{args.storage} run `protector-lab down --wipe` and `protector-lab up "
                      f"--storage {args.storage}`[/red]")
        return 2
    started = time.monotonic()
    workdir = args.workdir or tempfile.mkdtemp(prefix="protector-demo-lab-")
    infra = lab_mod.LabInfra()
    sites = {name: lab_mod.LabSite(name) for name in HOSTS}
    d = drill_mod.Drill(
        console, sites, infra, args.vms, os.path.join(workdir, "reports"),
        admin={n: lab_mod.client(n, tenant=False) for n in HOSTS},
        owner={n: lab_mod.client(n, tenant=True) for n in HOSTS},
        projects=infra.projects, pg=f"{infra.mark}-pg",
        rpo_minutes=1)  # the arrays replicate on their schedule only
    ok = False
    console.rule("[bold]protector demo on the lab: two OpenStack sites, one protection group "
                 f"({lab_config.storage_mode()} storage)")
    try:
        _run_drill(console, d, infra, sites)
        ok = True
    except KeyboardInterrupt:
        console.print("\n[yellow]interrupted: removing what the drill made[/yellow]")
    except Exception as exc:  # noqa: BLE001 - one clear line, then clean up
        console.print(f"[red]demo failed: {exc}[/red]")
    finally:
        _shield(True)
        for name, site in sites.items():  # a drill stopped mid-disaster brings it back
            if len(site.running()) < 2:
                infra.restore_site(name)
                site.start()
        try:
            d.remove()
        except Exception as exc:  # noqa: BLE001 - say what stays, go on cleaning
            console.print(f"[yellow]protection group {d.pg} stays: {exc}[/yellow]")
        infra.stop()
        _shield(False)
    console.print(f"drill servers, volumes, PG and mapping deleted; the lab stays up; "
                  f"{time.monotonic() - started:.0f} s in all")
    return 0 if ok else 1


def _main_dashboard(args: argparse.Namespace, console: Console) -> int:
    """Horizon on the lab, two servers to protect, until Ctrl-C."""
    from protector.demo import lab as lab_mod
    from protector.lab import config as lab_config
    from protector.lab import dashboard

    problem = lab_mod.problem()
    if problem:
        console.print(f"[red]the lab is not up ({problem}); start it with "
                      "`protector-lab up` (docs/lab.md)[/red]")
        return 2
    infra = lab_mod.LabInfra()
    sites = {name: lab_mod.LabSite(name) for name in HOSTS}
    owner = {n: lab_mod.client(n, tenant=True) for n in HOSTS}
    d = drill_mod.Drill(console, sites, infra, min(args.vms, 3),
                        tempfile.mkdtemp(prefix="protector-demo-dashboard-"),
                        admin={n: lab_mod.client(n, tenant=False) for n in HOSTS},
                        owner=owner, projects=infra.projects, pg=f"{infra.mark}-pg")
    console.rule("[bold]protector dashboard on the lab")
    try:
        d.register()
        servers = infra.seed_servers("site-a", min(args.vms, 3))
        url = dashboard.up(console.print)
        arrays = infra.arrays
        console.print(f"""
  Open {url} and log in with region site-a, user {lab_config.DEMO_USER}, password
  {lab_config.DEMO_PASSWORD} (the administrator: admin / {lab_config.SITES["a"].admin_password}).
  Servers to protect on site-a: {", ".join(sorted(servers))}.
  1. Project > Site Recovery > Sites: sign in to site-b (password {lab_config.DEMO_PASSWORD}).
  2. Protection Groups > Create: async, volume type replicated-async, site-a -> site-b.
  3. Its Policy tab: arrays {arrays.urls["site-a"]} and {arrays.urls["site-b"]},
     token {arrays.api_token} for both, RPO 1 minute. Then Add members: the servers above.
  4. When Health shows a recovery point: Test Failover (auto network), watch the
     operation, open its report; then Test Cleanup, Failover, Reprotect, Failback.
  Ctrl-C stops Horizon and deletes the seeded servers.""")
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        console.print("\n[yellow]stopping Horizon[/yellow]")
    except Exception as exc:  # noqa: BLE001 - one clear line, then clean up
        console.print(f"[red]dashboard demo failed: {exc}[/red]")
        return 1
    finally:
        _shield(True)
        dashboard.down()
        try:
            left = owner["site-a"].protection_groups.list()
        except Exception as exc:  # noqa: BLE001 - keep the servers if in doubt
            console.print(f"[yellow]cannot list the tenant's PGs ({exc})[/yellow]")
            left = [{"name": "(unknown)"}]
        if left:
            console.print(f"[yellow]protection groups stay: "
                          f"{', '.join(pg['name'] for pg in left)}; the seeded servers "
                          "stay with them (delete the PGs, then rerun to clean)[/yellow]")
        else:
            infra.stop()
        _shield(False)
    return 0


def _run_drill(console: Console, d: drill_mod.Drill, infra: infra_mod.Infrastructure,
               sites: dict[str, sites_mod.Site]) -> None:
    n = d.vms
    pg = d.pg
    console.rule("set-up")
    d.register()
    d.protect()
    infra.replicate("site-a")
    console.print("  first recovery point replicated to array-b")

    console.rule("1. drill: test failover and cleanup")
    d.run("test failover", "site-a",
          lambda c: c.protection_groups.test_failover(pg, auto_network=True))
    d.check({"site-a": n, "site-b": n}, "test failover")
    d.run("test cleanup", "site-a", lambda c: c.protection_groups.test_cleanup(pg))
    d.check({"site-a": n, "site-b": 0}, "test cleanup")

    console.rule("2. planned failover to site-b, and back")
    d.run("planned failover", "site-a", lambda c: c.protection_groups.failover(pg))
    _home_again(d, infra, "")

    console.rule("3. disaster: site-a stops; unplanned failover on site-b")
    infra.replicate("site-a")
    sites["site-a"].stop()
    infra.stop_site("site-a")
    console.print("  site-a: protector-api, protector-engine, cloud and array stopped")
    d.run("unplanned failover", "site-b",
          lambda c: c.protection_groups.failover(pg, unplanned=True))
    console.print("  site-a returns (its old servers still running)")
    infra.restore_site("site-a")
    sites["site-a"].start()
    status = d.owner["site-b"].protection_groups.sync_force(pg)
    console.print(f"  sync-force: {status['status']} (versions {status['local_version']} "
                  f"/ {status['peer_version']})")
    _home_again(d, infra, " after disaster")

    console.rule("results")
    console.print(d.summary())
    console.print(f"reports: {d.report_dir}")


def _home_again(d: drill_mod.Drill, infra: infra_mod.Infrastructure, suffix: str) -> None:
    """From site-b: reprotect (site-a's copy retired, its servers fenced),
    let the array replicate back, fail back to site-a."""
    pg, n = d.pg, d.vms
    d.run(f"reprotect{suffix}", "site-b", lambda c: c.protection_groups.reprotect(pg))
    d.check({"site-a": 0, "site-b": n}, f"reprotect{suffix}")
    infra.replicate("site-b")
    d.run(f"failback{suffix}", "site-b", lambda c: c.protection_groups.failback(pg))
    d.check({"site-a": n, "site-b": 0}, f"failback{suffix}")


if __name__ == "__main__":
    sys.exit(main())
