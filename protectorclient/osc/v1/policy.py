"""``openstack protector policy ...``: the replication policy of a protection
group (FlashArrays, API tokens, RPO, retention). Tokens are write-only: the
API shows them masked."""

import argparse
import logging
from typing import Any

from protectorclient.osc.v1 import common

LOG = logging.getLogger(__name__)

# Option dest -> API field.
_FIELDS = {
    "primary_fa_url": "primary_fa_url",
    "primary_fa_token": "primary_fa_api_token",
    "secondary_fa_url": "secondary_fa_url",
    "secondary_fa_token": "secondary_fa_api_token",
    "rpo_minutes": "rpo_minutes",
    "pure_pg_name": "pure_pg_name",
    "retention_short_term_seconds": "retention_short_term_seconds",
    "retention_per_day": "retention_per_day",
    "retention_days": "retention_days",
}
_REQUIRED = ("primary_fa_url", "primary_fa_token", "secondary_fa_url",
             "secondary_fa_token", "rpo_minutes")


def _pg_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("pg", metavar="<protection-group>",
                        help="Protection group (name or ID)")


def _add_policy_options(parser: argparse.ArgumentParser, create: bool) -> None:
    def req(dest: str) -> bool:
        return create and dest in _REQUIRED

    parser.add_argument("--primary-fa-url", metavar="<url>", required=req("primary_fa_url"),
                        help="Management URL of the primary site's FlashArray")
    parser.add_argument("--primary-fa-token", metavar="<token>",
                        required=req("primary_fa_token"),
                        help="API token of the primary FlashArray (stored encrypted)")
    parser.add_argument("--secondary-fa-url", metavar="<url>",
                        required=req("secondary_fa_url"),
                        help="Management URL of the secondary site's FlashArray")
    parser.add_argument("--secondary-fa-token", metavar="<token>",
                        required=req("secondary_fa_token"),
                        help="API token of the secondary FlashArray (stored encrypted)")
    parser.add_argument("--rpo-minutes", metavar="<minutes>", type=int,
                        required=req("rpo_minutes"),
                        help="Recovery point objective: replication interval, 1 to 1440")
    parser.add_argument("--pure-pg-name", metavar="<name>",
                        help="Name of the array protection group (default: derived)")
    parser.add_argument("--retention-short-term-seconds", metavar="<seconds>", type=int,
                        help="Keep every snapshot this long, 60 to 34560000 "
                             "(API default: 14400)")
    parser.add_argument("--retention-per-day", metavar="<n>", type=int,
                        help="Snapshots kept per day after that (API default: 3)")
    parser.add_argument("--retention-days", metavar="<days>", type=int,
                        help="Days the daily snapshots are kept (API default: 7)")


def _values(parsed_args: argparse.Namespace) -> dict[str, Any]:
    return {field: getattr(parsed_args, dest) for dest, field in _FIELDS.items()}


class CreatePolicy(common.ShowOne):
    """Create the replication policy of a protection group"""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        _pg_argument(parser)
        _add_policy_options(parser, create=True)
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> Any:
        policy = common.client(self).policies.create(parsed_args.pg, **_values(parsed_args))
        return common.show(policy)


class ShowPolicy(common.ShowOne):
    """Show the replication policy of a protection group (tokens masked)"""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        _pg_argument(parser)
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> Any:
        return common.show(common.client(self).policies.get(parsed_args.pg))


class SetPolicy(common.ShowOne):
    """Change the replication policy of a protection group"""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        _pg_argument(parser)
        _add_policy_options(parser, create=False)
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> Any:
        common.check_changes(parsed_args, _FIELDS, "policy")
        policy = common.client(self).policies.update(parsed_args.pg, **_values(parsed_args))
        return common.show(policy)


class DeletePolicy(common.Command):
    """Delete the replication policy of a protection group"""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        _pg_argument(parser)
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> None:
        common.client(self).policies.delete(parsed_args.pg)
