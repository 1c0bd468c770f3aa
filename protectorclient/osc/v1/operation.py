"""``openstack protector operation ...``: DR operations (read-only)."""

import argparse
import logging
import os
import re
from typing import Any

from osc_lib import exceptions

from protectorclient.osc.v1 import common

LOG = logging.getLogger(__name__)

LIST_FIELDS = ("id", "operation_type", "status", "progress", "protection_group_id",
               "created_at")
LONG_FIELDS = LIST_FIELDS + ("failover_type", "current_step", "source_site_id",
                             "target_site_id", "started_at", "completed_at", "error_message")
SHOW_FIELDS = ("id", "operation_type", "failover_type", "status", "progress",
               "current_step", "protection_group_id", "source_site_id", "target_site_id",
               "steps_completed", "steps_failed", "error_message", "result", "started_at",
               "completed_at")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-?([0-9a-fA-F]{4}-?){3}[0-9a-fA-F]{12}$")


class ListOperation(common.Lister):
    """List DR operations"""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("--protection-group", metavar="<protection-group>",
                            help="Only operations of this protection group (name or ID)")
        parser.add_argument("--type", metavar="<operation-type>", dest="operation_type",
                            help="Only operations of this type (for example failover)")
        parser.add_argument("--status", metavar="<status>",
                            help="Only operations in this status (for example running)")
        parser.add_argument("--all-projects", action="store_true", default=False,
                            help="Operations of every project (admin only)")
        common.add_long(parser)
        common.add_paging(parser)
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> Any:
        client = common.client(self)
        pg_id = parsed_args.protection_group
        if pg_id and not _UUID.match(pg_id):
            pg_id = client.protection_groups.get(pg_id)["id"]
        ops = client.operations.list(
            protection_group_id=pg_id, operation_type=parsed_args.operation_type,
            status=parsed_args.status, all_projects=parsed_args.all_projects,
            limit=parsed_args.limit, marker=parsed_args.marker)
        return common.listing(ops, LONG_FIELDS if parsed_args.long else LIST_FIELDS)


class ShowOperation(common.ShowOne):
    """Show a DR operation"""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("operation", metavar="<operation-id>", help="Operation ID")
        parser.add_argument("--report", metavar="<file>",
                            help="Also write the operation's HTML report (a timeline of "
                                 "its steps per VM, RTO, recovery point) to this file")
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> Any:
        operations = common.client(self).operations
        op = operations.get(parsed_args.operation)
        if not parsed_args.report:
            return common.show(op)
        page = operations.report(op["id"])
        try:
            with open(parsed_args.report, "w", encoding="utf-8") as out:
                out.write(page)
        except OSError as exc:
            raise exceptions.CommandError(
                f"Cannot write the report to {parsed_args.report}: {exc.strerror}") from exc
        return common.show({**op, "report": os.path.abspath(parsed_args.report)})
