"""``openstack protector site ...``: the two OpenStack sites (admin only)."""

import argparse
import logging
from typing import Any

from protectorclient.osc.v1 import common
from protectorclient.v1.sites import INTERFACES, SITE_TYPES

LOG = logging.getLogger(__name__)

LIST_FIELDS = ("id", "name", "site_type", "auth_url", "region_name", "status")
LONG_FIELDS = LIST_FIELDS + ("description", "interface", "last_validated_at")
# The table of the install guide's Example 4; `error` is added when the API
# reports one, replicated_volume_types with --long.
VALIDATE_FIELDS = ("name", "status", "keystone_reachable", "nova_reachable",
                   "cinder_reachable", "neutron_reachable")
VOLUME_TYPE_FIELDS = ("id", "name", "replication_type", "volume_backend_name")
# Option -> API field for the site's service credentials.
CREDENTIALS = {
    "service_username": "Username protector uses on this site (default: the "
                        "[keystone_authtoken] user of the protector service)",
    "service_password": "Password of --service-username (stored encrypted, never shown)",
    "service_project_name": "Project of the service user on this site",
    "service_user_domain_name": "Domain of the service user (default: Default)",
    "service_project_domain_name": "Domain of the service project (default: Default)",
}
SETTABLE = ("name", "description", "auth_url", "region_name", "protector_url", "interface",
            *CREDENTIALS)


def _add_site_options(parser: argparse.ArgumentParser, create: bool) -> None:
    parser.add_argument("--name", metavar="<name>", required=create,
                        help="Site name" + (", unique" if create else ": rename the site"))
    parser.add_argument("--description", metavar="<description>", help="Description")
    if create:
        parser.add_argument("--site-type", metavar="<site-type>", required=True,
                            choices=SITE_TYPES,
                            help="Initial designation: primary or secondary")
    parser.add_argument("--auth-url", metavar="<auth-url>", required=create,
                        help="Keystone URL of the site (for example http://ctl:5000/v3)")
    parser.add_argument("--region-name", metavar="<region-name>",
                        help="Region of the site's endpoints")
    parser.add_argument("--protector-url", metavar="<protector-url>",
                        help="Protector API of the site, when its Keystone catalog does "
                             "not list one (for example http://ctl:8788/v1)")
    parser.add_argument("--interface", metavar="<interface>", choices=INTERFACES,
                        help="Endpoint interface protector uses on the site: "
                             + ", ".join(INTERFACES) + " (API default: public)")
    for field, text in CREDENTIALS.items():
        option = field.replace("_", "-")
        parser.add_argument("--" + option, metavar=f"<{option}>", help=text)


class CreateSite(common.ShowOne):
    """Register an OpenStack site"""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        _add_site_options(parser, create=True)
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> Any:
        fields = {f: getattr(parsed_args, f) for f in SETTABLE if f != "name"}
        site = common.client(self).sites.create(
            name=parsed_args.name, site_type=parsed_args.site_type, **fields)
        return common.show(site)


class ListSite(common.Lister):
    """List sites"""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("--name", metavar="<name>", help="Only the site of this name")
        parser.add_argument("--site-type", metavar="<site-type>", choices=SITE_TYPES,
                            help="Only sites of this type")
        parser.add_argument("--status", metavar="<status>",
                            help="Only sites in this status (active, unreachable, error)")
        common.add_long(parser)
        common.add_paging(parser)
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> Any:
        sites = common.client(self).sites.list(
            name=parsed_args.name, site_type=parsed_args.site_type,
            status=parsed_args.status, limit=parsed_args.limit, marker=parsed_args.marker)
        return common.listing(sites, LONG_FIELDS if parsed_args.long else LIST_FIELDS)


class ShowSite(common.ShowOne):
    """Show a site"""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("site", metavar="<site>", help="Site (name or ID)")
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> Any:
        return common.show(common.client(self).sites.get(parsed_args.site))


class SetSite(common.ShowOne):
    """Change a site (its type cannot change)"""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("site", metavar="<site>", help="Site to change (name or ID)")
        _add_site_options(parser, create=False)
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> Any:
        common.check_changes(parsed_args, SETTABLE, "site")
        fields = {f: getattr(parsed_args, f) for f in SETTABLE}
        return common.show(common.client(self).sites.update(parsed_args.site, **fields))


class DeleteSite(common.Command):
    """Delete site(s) no protection group uses"""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("sites", metavar="<site>", nargs="+",
                            help="Site(s) to delete (name or ID)")
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> None:
        common.delete_all(parsed_args.sites, common.client(self).sites.delete, "site", LOG)


class ValidateSite(common.ShowOne):
    """Check that protector reaches the site's Keystone, Nova, Cinder and Neutron"""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("site", metavar="<site>", help="Site to validate (name or ID)")
        common.add_long(parser, "the replicated volume types found as well")
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> Any:
        result = common.client(self).sites.validate(parsed_args.site)
        fields = VALIDATE_FIELDS + ("error",)
        if parsed_args.long:
            fields += ("replicated_volume_types",)
        return common.show(result, fields)


class ListSiteVolumeTypes(common.Lister):
    """List the replication-enabled volume types of a site"""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("site", metavar="<site>", help="Site (name or ID)")
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> Any:
        types = common.client(self).sites.volume_types(parsed_args.site)
        return common.listing(types, VOLUME_TYPE_FIELDS)
