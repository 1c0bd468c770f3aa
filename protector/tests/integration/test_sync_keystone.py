"""Two protector sites, each behind its own real Keystone: a tenant mapping
made on site-a appears mirrored on site-b; a protection group made and
changed on site-a appears on site-b with the same version (the peer is
found in site-b's catalog and reached with its protector service user);
with site-b's protector down changes are refused, and sync-force brings
both back to one version when it returns."""

from __future__ import annotations

import time
import uuid
from typing import Any

from protector.lab import config, procs, protector_site
from protector.tests.integration.helpers import Openstack

REACHABILITY_CACHE = 5  # [peer] reachability_cache_seconds, the default


def _project(openstack: Openstack, cloud: str) -> str:
    return openstack(cloud, "project", "show", "demo", "-f", "json")["id"]


def test_metadata_reaches_the_other_site(openstack: Openstack,
                                         registered_sites: dict[str, Any]) -> None:
    demo_a, demo_b = _project(openstack, "site-a"), _project(openstack, "site-b")
    site_b_id = registered_sites["site-a"]["site-b"]["id"]
    mapping = openstack("site-a", "dr", "tenant", "mapping", "create",
                        "--local-tenant", demo_a, "--remote-site", site_b_id,
                        "--remote-tenant", demo_b, "--description",
                        "myproject tenant mapping", "-f", "json")
    pg_id = None
    try:
        mirrored = openstack("site-b", "dr", "tenant", "mapping", "list", "-f", "json")
        assert [(m["local_tenant"], m["remote_tenant"]) for m in mirrored
                if m["id"] == mapping["id"]] == [(demo_b, demo_a)]

        name = f"pg-{uuid.uuid4().hex[:8]}"
        pg = openstack("site-a-demo", "protector", "protection-group", "create",
                       "--name", name, "--replication-type", "async",
                       "--volume-type", "replicated-async", "--primary-site", "site-a",
                       "--secondary-site", "site-b", "-f", "json")
        pg_id = pg["id"]
        on_b = openstack("site-b-demo", "protector", "protection-group", "show", name,
                         "-f", "json")
        assert on_b["id"] == pg_id and on_b["project_id"] == demo_b
        assert on_b["metadata_version"] == pg["metadata_version"] == 1

        openstack("site-a-demo", "protector", "protection-group", "set", name,
                  "--description", "changed on site-a")
        on_b = openstack("site-b-demo", "protector", "protection-group", "show", name,
                         "-f", "json")
        assert on_b["metadata_version"] == 2 and on_b["description"] == "changed on site-a"
        status = openstack("site-a-demo", "protector", "protection-group", "sync-status",
                           name, "-f", "json")
        assert (status["status"], status["local_version"], status["peer_version"]) == \
            ("IN_SYNC", 2, 2)

        # site-b's protector goes away: changes on site-a are refused, nothing changes.
        site_b = config.SITES["b"]
        procs.stop(site_b, "protector-api")
        time.sleep(REACHABILITY_CACHE + 1)
        refused = openstack("site-a-demo", "protector", "protection-group", "set", name,
                            "--description", "while site-b is down", check=False)
        assert refused.returncode != 0
        assert "site-b is unreachable" in refused.stderr and "sync-force" in refused.stderr
        here = openstack("site-a-demo", "protector", "protection-group", "show", name,
                         "-f", "json")
        assert (here["metadata_version"], here["description"]) == (2, "changed on site-a")
        down = openstack("site-a-demo", "protector", "protection-group", "sync-status",
                         name, "-f", "json")
        assert down["status"] == "UNREACHABLE"

        # site-b returns: sync-force makes both copies one version, IN_SYNC.
        protector_site.up(site_b)
        forced = openstack("site-a-demo", "protector", "protection-group", "sync-force",
                           name, "-f", "json")
        assert (forced["status"], forced["local_version"], forced["peer_version"]) == \
            ("IN_SYNC", 3, 3)
    finally:
        if pg_id:
            openstack("site-a-demo", "protector", "protection-group", "delete", pg_id)
            gone = openstack("site-b-demo", "protector", "protection-group", "show", pg_id,
                             check=False)
            assert gone.returncode != 0
        openstack("site-a", "dr", "tenant", "mapping", "delete", mapping["id"])
    assert mapping["id"] not in [m["id"] for m in openstack(
        "site-b", "dr", "tenant", "mapping", "list", "-f", "json")]
