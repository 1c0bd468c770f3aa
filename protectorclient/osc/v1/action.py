"""``openstack protector protection-group test-failover|test-cleanup|failover|
failback|reprotect``: start a DR operation, optionally wait for it with live
progress. With --wait the command fails (non-zero exit) unless the
operation completes, and when it completed partly (a failover that left
servers behind)."""

import argparse
from typing import Any

from osc_lib import exceptions
from osc_lib.cli import parseractions
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from protectorclient.osc.v1 import common
from protectorclient.osc.v1.operation import SHOW_FIELDS


def _add_mappings(parser: argparse.ArgumentParser) -> None:
    for kind in ("network", "flavor"):
        parser.add_argument(
            f"--{kind}-mapping", metavar=f"<source-{kind}>=<target-{kind}>",
            dest=f"{kind}_mapping", action=parseractions.KeyValueAction,
            help=f"Map a {kind} of the site the servers leave to one of the site they "
                 f"go to, for this operation (repeat for more; overrides the protection "
                 f"group's {kind} mappings)")


def _add_wait(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--wait", action="store_true", default=False,
                        help="Wait for the operation to end, showing its progress; "
                             "exit non-zero unless it completes in full")
    parser.add_argument("--timeout", metavar="<seconds>", type=float, default=None,
                        help="With --wait: give up waiting after this many seconds "
                             "(the operation goes on)")


def wait(client: Any, op: dict[str, Any], timeout: float | None = None,
         interval: float = 1.0) -> dict[str, Any]:
    """Follow an operation on stderr (a bar on a terminal, one line per
    finished step otherwise) until it ends; raise unless it completed."""
    console = Console(stderr=True)
    seen: set[str] = set()
    with Progress(TextColumn("{task.description}"), BarColumn(),
                  TextColumn("{task.percentage:>3.0f}%"), TimeElapsedColumn(),
                  console=console, transient=True,
                  disable=not console.is_terminal) as progress:
        bar = progress.add_task(op["operation_type"], total=100)

        def update(current: dict[str, Any]) -> None:
            step = current.get("current_step") or current["status"]
            progress.update(bar, completed=current.get("progress") or 0,
                            description=f"{current['operation_type']}: {step}")
            for name in current.get("steps_completed") or []:
                if name not in seen:
                    seen.add(name)
                    if not console.is_terminal:
                        console.print(f"{current['operation_type']}: {name} done",
                                      highlight=False)
                    else:
                        progress.console.print(f"  [green]✓[/green] {name}")

        try:
            final = client.operations.wait(op["id"], interval=interval, timeout=timeout,
                                           on_update=update)
        except TimeoutError as exc:
            raise exceptions.CommandError(f"{exc}; follow it with 'openstack protector "
                                          f"operation show {op['id']}'") from exc
    if final["status"] != "completed":
        failed = "; ".join(f"{s['step']}: {s['error']}"
                           for s in final.get("steps_failed") or [])
        raise exceptions.CommandError(
            f"Operation {final['id']} ({final['operation_type']}) {final['status']}: "
            f"{final.get('error_message') or failed or 'no error recorded'}")
    if final.get("error_message"):
        # A partial failover: completed, with servers left behind.
        raise exceptions.CommandError(
            f"Operation {final['id']} ({final['operation_type']}) completed partly: "
            f"{final['error_message']}")
    return final


class _Action(common.ShowOne):
    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("pg", metavar="<protection-group>",
                            help="Protection group (name or ID)")
        return parser

    def start(self, client: Any, parsed_args: argparse.Namespace) -> dict[str, Any]:
        raise NotImplementedError

    def take_action(self, parsed_args: argparse.Namespace) -> Any:
        client = common.client(self)
        op = self.start(client, parsed_args)
        if parsed_args.wait:
            op = wait(client, op, parsed_args.timeout)
        return common.show(op, SHOW_FIELDS)


class TestFailover(_Action):
    """Start a DR drill: the servers booted on the DR site from a replicated
    recovery point, the running site untouched"""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("--auto-network", action="store_true", default=False,
                            help="Boot on an isolated network created for the test")
        _add_mappings(parser)
        parser.add_argument("--recovery-point", metavar="<name>",
                            help="Recovery point (default: the newest complete one)")
        _add_wait(parser)
        return parser

    def start(self, client: Any, parsed_args: argparse.Namespace) -> dict[str, Any]:
        if parsed_args.auto_network and parsed_args.network_mapping:
            raise exceptions.CommandError("Use either --auto-network or --network-mapping")
        return client.protection_groups.test_failover(
            parsed_args.pg, auto_network=parsed_args.auto_network,
            network_mapping=parsed_args.network_mapping,
            flavor_mapping=parsed_args.flavor_mapping,
            recovery_point=parsed_args.recovery_point)


class _NoOptions(_Action):
    """A verb whose only options are --wait and --timeout."""

    verb = ""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        _add_wait(parser)
        return parser

    def start(self, client: Any, parsed_args: argparse.Namespace) -> dict[str, Any]:
        return getattr(client.protection_groups, self.verb)(parsed_args.pg)


class TestCleanup(_NoOptions):
    """Remove exactly what the last test failover created"""

    verb = "test_cleanup"


class Failover(_Action):
    """Fail a protection group over to its other site (planned: both sites up;
    --unplanned: issued to the DR site while the primary is down). An
    unplanned failover brings up every server it can; run failover again to
    move those it left behind (status failed_over_partial)"""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("--unplanned", action="store_true", default=False,
                            help="The primary site is down: use the last replicated "
                                 "recovery point and this site's copy of the metadata")
        parser.add_argument("--recovery-point", metavar="<name>",
                            help="With --unplanned: recovery point (default: the newest "
                                 "complete one)")
        _add_mappings(parser)
        _add_wait(parser)
        return parser

    def start(self, client: Any, parsed_args: argparse.Namespace) -> dict[str, Any]:
        if parsed_args.recovery_point and not parsed_args.unplanned:
            raise exceptions.CommandError("--recovery-point needs --unplanned (a planned "
                                          "failover replicates now and uses that point)")
        return client.protection_groups.failover(
            parsed_args.pg, unplanned=parsed_args.unplanned,
            network_mapping=parsed_args.network_mapping,
            flavor_mapping=parsed_args.flavor_mapping,
            recovery_point=parsed_args.recovery_point)


class Failback(_Action):
    """Move a failed-over protection group back to its primary site (after
    reprotect); it ends active and protected"""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        _add_mappings(parser)
        _add_wait(parser)
        return parser

    def start(self, client: Any, parsed_args: argparse.Namespace) -> dict[str, Any]:
        return client.protection_groups.failback(
            parsed_args.pg, network_mapping=parsed_args.network_mapping,
            flavor_mapping=parsed_args.flavor_mapping)


class Reprotect(_NoOptions):
    """Replicate a failed-over protection group back to the site it left and
    retire the stale copy there, without moving the servers"""

    verb = "reprotect"
