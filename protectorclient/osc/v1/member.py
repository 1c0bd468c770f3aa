"""``openstack protector member ...``: the servers of a protection group."""

import argparse
import logging
from typing import Any

from protectorclient import api_versions
from protectorclient.osc.v1 import common

LOG = logging.getLogger(__name__)

LIST_FIELDS = ("id", "instance_id", "instance_name", "status", "boot_order")


def _pg_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("pg", metavar="<protection-group>",
                        help="Protection group (name or ID)")


def _boot_order(parser: argparse.ArgumentParser, required: bool) -> None:
    parser.add_argument("--boot-order", metavar="<n>", type=int, required=required,
                        help="Failover boots servers in ascending order, 1 to 1000 "
                             "(API version 1.1 or later; API default: 1)")


class AddMember(common.ShowOne):
    """Add a server to a protection group"""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        _pg_argument(parser)
        parser.add_argument("server", metavar="<server-id>", help="Server (instance) ID")
        parser.add_argument("--server-name", metavar="<name>",
                            help="Server name to record with the member")
        _boot_order(parser, required=False)
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> Any:
        member = common.client(self).members.add(
            parsed_args.pg, parsed_args.server, instance_name=parsed_args.server_name,
            boot_order=parsed_args.boot_order)
        return common.show(member)


class ListMember(common.Lister):
    """List the members of a protection group"""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        _pg_argument(parser)
        parser.add_argument("--status", metavar="<status>",
                            help="Only members in this status (for example protected)")
        common.add_paging(parser)
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> Any:
        client = common.client(self)
        members = client.members.list(parsed_args.pg, status=parsed_args.status,
                                      limit=parsed_args.limit, marker=parsed_args.marker)
        fields = LIST_FIELDS
        if client.api_version < api_versions.V1_1:
            fields = tuple(f for f in fields if f != "boot_order")
        return common.listing(members, fields)


class ShowMember(common.ShowOne):
    """Show a member of a protection group"""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        _pg_argument(parser)
        parser.add_argument("member", metavar="<member>", help="Member ID or server ID")
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> Any:
        return common.show(common.client(self).members.get(parsed_args.pg,
                                                           parsed_args.member))


class SetMember(common.ShowOne):
    """Change the boot order of a member"""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        _pg_argument(parser)
        parser.add_argument("member", metavar="<member>", help="Member ID or server ID")
        _boot_order(parser, required=True)
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> Any:
        member = common.client(self).members.update(parsed_args.pg, parsed_args.member,
                                                    boot_order=parsed_args.boot_order)
        return common.show(member)


class RemoveMember(common.Command):
    """Remove server(s) from a protection group"""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        _pg_argument(parser)
        parser.add_argument("members", metavar="<member>", nargs="+",
                            help="Member ID(s) or server ID(s)")
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> None:
        members = common.client(self).members

        def remove(member: str) -> None:
            members.remove(parsed_args.pg, member)

        common.delete_all(parsed_args.members, remove, "member", LOG)
