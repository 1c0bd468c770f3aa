"""A site disaster in the lab, and the site's return.

What stops is what a DR site can no longer reach when the primary is lost:
the site's protector (API and engine), its Keystone (so nothing of the site
can be authenticated) and, with ``--storage pure``, its FlashArray (it
refuses connections). Nova and Cinder keep running, as a cloud cut off from
its peer would: the servers a planned failover would have stopped are still
there when the site returns, for reprotect to retire.
"""

from __future__ import annotations

from protector.lab import arrays, config, keystone, procs, protector_site
from protector.lab.config import Site

PROTECTOR = ("protector-api", "protector-engine")


def strike(site: Site) -> None:
    """``site`` goes dark: its protector and Keystone stop, its array refuses."""
    procs.stop_all(site, [*PROTECTOR, "keystone-api"])
    if config.storage_mode() == "pure":
        arrays.fault(array=site.array_name, unreachable="refuse")


def struck(site: Site) -> bool:
    return procs.running(site, "keystone-api") is None


def restore(site: Site) -> None:
    """``site`` comes back: array, Keystone, then protector (which needs both)."""
    if config.storage_mode() == "pure" and arrays.running():
        arrays.fault(array=site.array_name, clear=True)
    keystone.up(site)
    if any(procs.running(site, name) is None for name in PROTECTOR):
        protector_site.up(site)
