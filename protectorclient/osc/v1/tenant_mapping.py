"""``openstack protector tenant mapping ...`` (also ``openstack dr tenant
mapping ...``): a local project and its twin on the remote site."""

import argparse
import logging
from typing import Any

from protectorclient.osc.v1 import common

LOG = logging.getLogger(__name__)

# The fields of the prerequisites guide's Example 3.
FIELDS = ("id", "local_tenant", "remote_site", "remote_tenant", "description")


class CreateTenantMapping(common.ShowOne):
    """Map a local project to its project on the remote site"""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("--local-tenant", metavar="<local-project-id>", required=True,
                            help="Project ID on this site")
        parser.add_argument("--remote-site", metavar="<remote-site>", required=True,
                            help="The remote site (name or ID)")
        parser.add_argument("--remote-tenant", metavar="<remote-project-id>", required=True,
                            help="Project ID on the remote site")
        parser.add_argument("--description", metavar="<description>", help="Description")
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> Any:
        mapping = common.client(self).tenant_mappings.create(
            local_tenant=parsed_args.local_tenant, remote_site=parsed_args.remote_site,
            remote_tenant=parsed_args.remote_tenant, description=parsed_args.description)
        return common.show(mapping, FIELDS)


class ListTenantMapping(common.Lister):
    """List tenant mappings"""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("--local-tenant", metavar="<local-project-id>",
                            help="Only mappings of this local project")
        parser.add_argument("--remote-site", metavar="<remote-site>",
                            help="Only mappings to this site (name or ID)")
        common.add_paging(parser)
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> Any:
        mappings = common.client(self).tenant_mappings.list(
            local_tenant=parsed_args.local_tenant, remote_site=parsed_args.remote_site,
            limit=parsed_args.limit, marker=parsed_args.marker)
        return common.listing(mappings, FIELDS)


class ShowTenantMapping(common.ShowOne):
    """Show a tenant mapping"""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("mapping", metavar="<mapping-id>", help="Tenant mapping ID")
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> Any:
        return common.show(common.client(self).tenant_mappings.get(parsed_args.mapping),
                           FIELDS)


class SetTenantMapping(common.ShowOne):
    """Change the remote project or the description of a tenant mapping"""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("mapping", metavar="<mapping-id>", help="Tenant mapping ID")
        parser.add_argument("--remote-tenant", metavar="<remote-project-id>",
                            help="New project ID on the remote site")
        parser.add_argument("--description", metavar="<description>",
                            help="New description")
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> Any:
        common.check_changes(parsed_args, ("remote_tenant", "description"),
                              "tenant mapping")
        mapping = common.client(self).tenant_mappings.update(
            parsed_args.mapping, remote_tenant=parsed_args.remote_tenant,
            description=parsed_args.description)
        return common.show(mapping, FIELDS)


class DeleteTenantMapping(common.Command):
    """Delete tenant mapping(s)"""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("mappings", metavar="<mapping-id>", nargs="+",
                            help="Tenant mapping ID(s)")
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> None:
        common.delete_all(parsed_args.mappings,
                          common.client(self).tenant_mappings.delete, "tenant mapping", LOG)
