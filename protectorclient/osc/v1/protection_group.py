"""``openstack protector protection-group ...``: servers that fail over together."""

import argparse
import logging
from typing import Any

from osc_lib.cli import parseractions

from protectorclient.osc.v1 import clouds, common
from protectorclient.v1.protection_groups import REPLICATION_TYPES

LOG = logging.getLogger(__name__)

LIST_FIELDS = ("id", "name", "status", "replication_type", "volume_type", "sync_status")
LONG_FIELDS = LIST_FIELDS + ("description", "project_id", "primary_site_id",
                             "secondary_site_id", "current_primary_site_id",
                             "metadata_version", "last_sync_at")


def _add_mapping_options(parser: argparse.ArgumentParser, clearable: bool) -> None:
    for kind, what in (("network", "network"), ("flavor", "flavor")):
        parser.add_argument(
            f"--{kind}-mapping", metavar=f"<source-{what}>=<target-{what}>",
            dest=f"{kind}_mapping", action=parseractions.KeyValueAction,
            help=f"Map a {what} of the primary site to one of the secondary site "
                 "(repeat for more; API version 1.1 or later)")
        if clearable:
            parser.add_argument(
                f"--no-{kind}-mapping", dest=f"no_{kind}_mapping", action="store_true",
                help=f"Remove every {what} mapping (with --{kind}-mapping: replace them)")


class CreateProtectionGroup(common.ShowOne):
    """Create a protection group"""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("--name", metavar="<name>", required=True,
                            help="Protection group name, unique in the project")
        parser.add_argument("--description", metavar="<description>", help="Description")
        parser.add_argument("--replication-type", metavar="<replication-type>",
                            required=True, choices=REPLICATION_TYPES,
                            help="Replication between the arrays: async or sync")
        parser.add_argument("--volume-type", metavar="<volume-type>", required=True,
                            help="Replicated Cinder volume type, present on both sites")
        parser.add_argument("--primary-site", metavar="<site>", required=True,
                            help="Site the servers run on (name or ID); when it is also "
                                 "a cloud in clouds.yaml, its protector is called first "
                                 "with that cloud's credentials")
        parser.add_argument("--secondary-site", metavar="<site>", required=True,
                            help="Site they fail over to (name or ID; a clouds.yaml cloud "
                                 "of that name is called first, as for --primary-site)")
        _add_mapping_options(parser, clearable=False)
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> Any:
        clouds.reach_sites(self, [parsed_args.primary_site, parsed_args.secondary_site])
        pg = common.client(self).protection_groups.create(
            name=parsed_args.name, description=parsed_args.description,
            replication_type=parsed_args.replication_type,
            volume_type=parsed_args.volume_type, primary_site=parsed_args.primary_site,
            secondary_site=parsed_args.secondary_site,
            network_mapping=parsed_args.network_mapping,
            flavor_mapping=parsed_args.flavor_mapping)
        return common.show(pg)


class ListProtectionGroup(common.Lister):
    """List protection groups"""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("--name", metavar="<name>", help="Only the group of this name")
        parser.add_argument("--status", metavar="<status>",
                            help="Only groups in this status (for example active)")
        parser.add_argument("--all-projects", action="store_true", default=False,
                            help="Groups of every project (admin only)")
        common.add_long(parser)
        common.add_paging(parser)
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> Any:
        pgs = common.client(self).protection_groups.list(
            name=parsed_args.name, status=parsed_args.status,
            all_projects=parsed_args.all_projects, limit=parsed_args.limit,
            marker=parsed_args.marker)
        return common.listing(pgs, LONG_FIELDS if parsed_args.long else LIST_FIELDS)


class _OnePG(common.ShowOne):
    """A command about one protection group, named by its first argument."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("pg", metavar="<protection-group>",
                            help="Protection group (name or ID)")
        return parser


class ShowProtectionGroup(_OnePG):
    """Show a protection group"""

    def take_action(self, parsed_args: argparse.Namespace) -> Any:
        return common.show(common.client(self).protection_groups.get(parsed_args.pg))


class SetProtectionGroup(common.ShowOne):
    """Change a protection group (name, description, network and flavor mappings)"""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("pg", metavar="<protection-group>",
                            help="Protection group to change (name or ID)")
        parser.add_argument("--name", metavar="<name>", help="New name")
        parser.add_argument("--description", metavar="<description>",
                            help="New description")
        _add_mapping_options(parser, clearable=True)
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> Any:
        pgs = common.client(self).protection_groups
        changes: dict[str, Any] = {"name": parsed_args.name,
                                   "description": parsed_args.description}
        current: dict[str, Any] | None = None
        for field in ("network_mapping", "flavor_mapping"):
            added = getattr(parsed_args, field)
            if getattr(parsed_args, "no_" + field):
                changes[field] = dict(added or {})
            elif added:
                # Merge into the current mapping: the API replaces it whole.
                current = current or pgs.get(parsed_args.pg)
                changes[field] = {**(current.get(field) or {}), **added}
        if all(v is None for v in changes.values()):
            raise common.nothing_to_set("protection group")
        return common.show(pgs.update(parsed_args.pg, **changes))


class DeleteProtectionGroup(common.Command):
    """Delete protection group(s)"""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("pgs", metavar="<protection-group>", nargs="+",
                            help="Protection group(s) to delete (name or ID)")
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> None:
        common.delete_all(parsed_args.pgs, common.client(self).protection_groups.delete,
                          "protection group", LOG)


class SyncStatusProtectionGroup(_OnePG):
    """Compare a protection group's metadata version with the peer site's"""

    def take_action(self, parsed_args: argparse.Namespace) -> Any:
        return common.show(common.client(self).protection_groups.sync_status(parsed_args.pg))


class SyncForceProtectionGroup(_OnePG):
    """Push the authoritative copy of a protection group's metadata to both sites"""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("--source", metavar="<site>",
                            help="Site whose copy wins (name or ID; default: the site "
                                 "the protection group runs on now)")
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> Any:
        return common.show(common.client(self).protection_groups.sync_force(
            parsed_args.pg, parsed_args.source))
