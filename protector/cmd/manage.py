"""protector-manage: database schema and operator tasks."""

import argparse
import datetime
import sys

from oslo_config import cfg
from oslo_utils import timeutils

from protector import config, context, version
from protector.conf import CONF
from protector.db import migration
from protector.db import operations as op_db
from protector.engine import persistence


def _db_sync() -> None:
    before = migration.current_version()
    migration.upgrade()
    after = migration.current_version()
    if before == after:
        print(f"Database schema is up to date at revision {after}.")
    else:
        print(f"Database schema upgraded from {before or 'empty'} to {after}.")


def _db_version() -> None:
    print(migration.current_version() or "None")


def _before(value: str) -> datetime.datetime:
    """--before: a date or an ISO 8601 time (UTC unless it says otherwise)."""
    try:
        when = datetime.datetime.fromisoformat(value)
    except ValueError as err:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a date (YYYY-MM-DD) or time (YYYY-MM-DDTHH:MM:SS)") from err
    if when.tzinfo is not None:
        when = when.astimezone(datetime.UTC).replace(tzinfo=None)
    return when


def _db_purge() -> None:
    before, dry_run = CONF.category.before, CONF.category.dry_run
    if before > timeutils.utcnow():
        sys.exit("protector-manage db purge: --before is in the future; nothing that "
                 "ends later can have ended")
    ctx = context.get_admin_context()
    purged = op_db.purge(ctx, before, dry_run=dry_run)
    flows = len(purged.flow_detail_ids)
    if not dry_run:
        flows = persistence.destroy_flows(purged.flow_detail_ids)
    verb = "Would purge" if dry_run else "Purged"
    print(f"{verb} {purged.operations} operations ({purged.steps} steps, {flows} engine "
          f"flow records) that ended before {before.isoformat(sep=' ')} UTC.")


def add_command_parsers(subparsers: argparse._SubParsersAction) -> None:
    db = subparsers.add_parser("db", help="database schema")
    db_sub = db.add_subparsers(dest="db_command")
    db_sub.required = True
    db_sub.add_parser("sync", help="apply pending migrations").set_defaults(
        func=_db_sync)
    db_sub.add_parser("version", help="print the schema revision").set_defaults(
        func=_db_version)
    purge = db_sub.add_parser(
        "purge", help="delete the history of operations that ended before a date (kept: "
                      "unfinished ones, each protection group's newest of every type, "
                      "those with leftovers still to remove)")
    purge.add_argument("--before", type=_before, required=True,
                       help="a date (YYYY-MM-DD) or ISO 8601 time, UTC by default")
    purge.add_argument("--dry-run", action="store_true",
                       help="count what would go, delete nothing")
    purge.set_defaults(func=_db_purge)


command_opt = cfg.SubCommandOpt("category", title="Commands",
                                help="Available commands",
                                handler=add_command_parsers)


def main(argv: list[str] | None = None) -> None:
    CONF.register_cli_opt(command_opt)
    try:
        config.parse_args(argv)
    except (cfg.ConfigFilesNotFoundError, cfg.ConfigFileParseError,
            cfg.ConfigFileValueError) as exc:
        sys.exit(f"protector-manage: configuration error: {exc}")
    config.setup_logging("protector-manage")
    if not CONF.database.connection:
        sys.exit("protector-manage: [database] connection is not set in protector.conf")
    try:
        CONF.category.func()
    except Exception as exc:  # noqa: BLE001 - one clear line for the operator
        sys.exit(f"protector-manage {CONF.category.name}: {exc.__class__.__name__}: {exc}")


__all__ = ["main", "version"]
