"""Helpers the protector OSC commands share: output shaping and options."""

import argparse
import logging
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from osc_lib import exceptions
from osc_lib.cli import format_columns
from osc_lib.command import command

Row = tuple[Any, ...]
DISTRIBUTION = "openstack-protector"


class _Epilog:
    """cliff finds the "provided by" plugin name through
    importlib.metadata.packages_distributions(), which reads the file list of
    every installed distribution: half a second on each command. Say it
    directly instead."""

    _epilog: str | None
    _hooks: Any

    def get_epilog(self) -> str:
        parts = [self._epilog or ""]
        parts += [e for hook in self._hooks
                  if hook.obj is not None and (e := hook.obj.get_epilog()) is not None]
        parts.append(f"This command is provided by the {DISTRIBUTION} plugin.")
        return "\n\n".join(parts)


class Command(_Epilog, command.Command):
    """A protector command without output."""


class ShowOne(_Epilog, command.ShowOne):
    """A protector command that shows one resource."""


class Lister(_Epilog, command.Lister):
    """A protector command that lists resources."""


def client(command: Any) -> Any:
    """The protectorclient v1 Client of an OSC command."""
    return command.app.client_manager.protector


def formatted(value: Any) -> Any:
    """Dicts and lists as osc-lib columns: readable in a table, structured
    with -f json/yaml."""
    if isinstance(value, dict):
        return format_columns.DictColumn(value)
    if isinstance(value, list):
        if value and all(isinstance(v, dict) for v in value):
            return format_columns.ListDictColumn(value)
        return format_columns.ListColumn(value)
    return value


def show(resource: dict[str, Any], fields: Sequence[str] | None = None
         ) -> tuple[tuple[str, ...], Row]:
    """(columns, values) for a ShowOne; the API's field order unless
    ``fields`` is given (fields missing from the resource are left out)."""
    names = tuple(f for f in (fields or resource) if f in resource)
    return names, tuple(formatted(resource[f]) for f in names)


def listing(items: Iterable[dict[str, Any]], fields: Sequence[str]
            ) -> tuple[tuple[str, ...], Iterable[Row]]:
    names = tuple(fields)
    return names, (tuple(formatted(item.get(f)) for f in names) for item in items)


def add_paging(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--limit", metavar="<num>", type=int,
                        help="Return at most <num> items (one page); default: all")
    parser.add_argument("--marker", metavar="<id>",
                        help="Start after the item with this id (use with --limit)")


def add_long(parser: argparse.ArgumentParser, what: str = "more fields") -> None:
    parser.add_argument("--long", action="store_true", default=False,
                        help=f"List {what}")


def delete_all(refs: Sequence[str], delete: Callable[[str], Any], noun: str,
               log: logging.Logger) -> None:
    """Delete every ref; one failure re-raises, several are summed up."""
    if len(refs) == 1:
        delete(refs[0])
        return
    failed = 0
    for ref in refs:
        try:
            delete(ref)
        except Exception as exc:  # noqa: BLE001 - reported per item, then summed up
            failed += 1
            log.error("Failed to delete %s %s: %s", noun, ref, exc)
    if failed:
        raise exceptions.CommandError(f"{failed} of {len(refs)} {noun}s failed to delete.")


def nothing_to_set(noun: str) -> exceptions.CommandError:
    return exceptions.CommandError(f"Nothing to change: give at least one option to set "
                                   f"on the {noun} (see --help).")


def check_changes(parsed_args: argparse.Namespace, fields: Iterable[str], noun: str) -> None:
    """Refuse a ``set`` command without any option to set."""
    if all(getattr(parsed_args, f, None) is None for f in fields):
        raise nothing_to_set(noun)
