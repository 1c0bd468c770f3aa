"""``protector-lab`` (``python -m protector.lab``): up, install, down, status,
dashboard, env."""

from __future__ import annotations

import argparse
import sys

from protector.lab import config, install, lab
from protector.lab.procs import LabError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="protector-lab",
        description="Two OpenStack 2026.1 sites on loopback for protector's integration "
                    "tests: site a on 127.0.0.1, site b on 127.0.0.2 (see docs/lab.md).")
    sub = parser.add_subparsers(dest="command", required=True)
    p_up = sub.add_parser("up", help="install what is missing and start the sites (idempotent)")
    p_up.add_argument("--services", metavar="LIST", default="all",
                      help="'keystone' for Keystone only, else all (default: all)")
    p_up.add_argument("--sites", metavar="LIST", default="a,b", help="a, b or a,b (default)")
    p_up.add_argument("--restart", metavar="LIST", default="",
                      help="services to restart, e.g. 'protector' after changing its code")
    p_up.add_argument("--storage", choices=config.STORAGE_MODES, default=None,
                      help="pure: Cinder's upstream Pure driver and protector's pure driver "
                           "on two simulated FlashArrays; mock: the spec's mock storage "
                           "mode. Default: the running lab's mode, else pure")
    sub.add_parser("install", help="only install the lab's OpenStack venv (what up "
                                   "would install first); starts nothing")
    p_down = sub.add_parser("down", help="stop what up started")
    p_down.add_argument("--wipe", action="store_true",
                        help="also drop the databases, vhosts and state (not the venv)")
    p_down.add_argument("--sites", metavar="LIST", default="a,b")
    p_status = sub.add_parser("status", help="what runs, and its memory (PSS)")
    p_status.add_argument("--sites", metavar="LIST", default="a,b")
    p_dash = sub.add_parser("dashboard", help="Horizon with protector_dashboard in front "
                                              "of both sites (docs/dashboard.md)")
    p_dash.add_argument("action", choices=("up", "down"))
    p_env = sub.add_parser("env", help="shell exports for the lab: eval $(protector-lab env)")
    p_env.add_argument("--site", metavar="SITE", help="also export OS_CLOUD=site-<SITE>")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "up":
            with lab.lock():
                restart = [s for s in args.restart.split(",") if s]
                unknown = set(restart) - set(config.ALL_SERVICES)
                if unknown:
                    raise SystemExit(f"protector-lab: unknown service(s) {sorted(unknown)}")
                lab.up(config.select_services(args.services), config.select_sites(args.sites),
                       restart=restart, storage=args.storage)
        elif args.command == "install":
            with lab.lock():
                seconds = install.ensure(config.select_services("all"))
            print(f"lab venv ready ({seconds:.0f}s)")
        elif args.command == "down":
            with lab.lock():
                lab.down(config.select_sites(args.sites), wipe=args.wipe)
        elif args.command == "status":
            return 0 if lab.print_status(config.select_sites(args.sites)) else 3
        elif args.command == "dashboard":
            from protector.lab import dashboard

            if args.action == "up":
                dashboard.up()
            else:
                print("horizon: stopped" if dashboard.down() else "horizon: not running")
        elif args.command == "env":
            site = config.select_sites(args.site)[0] if args.site else None
            print("\n".join(lab.env_lines(site)))
    except LabError as exc:
        print(f"protector-lab: {exc}", file=sys.stderr)
        return 1
    return 0
