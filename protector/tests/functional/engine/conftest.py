"""Two fake clouds, the mock storage driver and a protected PG, for the
engine's end-to-end tests (the API of site-a, the peer in memory)."""

import pytest

from protector import context
from protector.cloud import base as cloud_base
from protector.cloud import exception as cloud_exc
from protector.cloud.fake.cloud import FakeCloud
from protector.cloud.fake.compute import seed_server
from protector.engine import limits, persistence, resources, worker
from protector.tests.functional.api import helpers


class Sites(dict):
    """Fake clouds by site name; a site in ``down`` answers nothing."""

    down: set[str]

    def provider(self, site, project, ctx):
        if site.name in self.down:
            raise cloud_exc.CloudUnavailable(service="OpenStack", site=site.name,
                                            reason="connection refused")
        return self[site.name].as_cloud()


# Fake clouds whose builds, power changes and volume transitions take
# milliseconds of real time.
FAST = {"build_time": 0.05, "power_time": 0.01, "attach_time": 0.01,
        "volume_create_time": 0.01, "image_copy_time": 0.01, "manage_time": 0.01,
        "group_time": 0.01, "poll_interval": 0.005}


def serve(sites: Sites):
    """Answer cloud_for / admin_cloud_for with ``sites`` until the generator
    is closed; then reset the engine's per-process state."""
    sites.down = set()
    previous = cloud_base.set_provider(sites.provider)
    try:
        yield sites
    finally:
        cloud_base.set_provider(previous)
        persistence.reset()
        limits.reset()


@pytest.fixture
def clouds(conf):
    conf.set_override("use_mock_storage", True)
    yield from serve(Sites({name: FakeCloud(name, **FAST) for name in ("site-a", "site-b")}))
    conf.clear_override("use_mock_storage")


@pytest.fixture
def array_policy():
    """The replication policy members_added posts (the mock arrays' URLs)."""
    return helpers.POLICY


def run_all(casts: list[str]) -> None:
    while casts:
        worker.run(casts.pop(0), host="engine-1")


def live_servers(cloud) -> dict:
    return {sid: s for sid, s in cloud.servers.items() if s.status != "DELETED"}


def live_volumes(cloud) -> dict:
    return {vid: v for vid, v in cloud.volumes.items() if v.status != "deleted"}


def pg_view(owner, base: str) -> dict:
    """The PG as the API shows it, plus ``runs_on``: the site it runs on."""
    pg = owner.get(base).json["protection_group"]
    pg["runs_on"] = ("site-a" if pg["current_primary_site_id"] == pg["primary_site_id"]
                     else "site-b")
    return pg


def act(owner, base: str, casts: list[str], body: dict) -> dict:
    """Start a PG action, run what it cast, return the operation."""
    resp = owner.post(base + "/action", body, status=202)
    op_id = resp.json["operation"]["id"]
    run_all(casts)
    return op(owner, op_id)


def op(owner, op_id: str) -> dict:
    return owner.get(f"/v1/{owner.project}/operations/{op_id}").json["operation"]


@pytest.fixture
def members_added(sqlite_api, clouds, casts, array_policy):
    """A PG of two servers (boot + data volume) on site-a whose protect
    operations were cast, not run yet."""
    site_a = clouds["site-a"]
    helpers.make_sites(sqlite_api["admin"])
    owner = sqlite_api["owner"]
    helpers.make_pg(owner, network_mapping={"private": "private"}, volume_type="replicated")
    base = f"/v1/{owner.project}/protection-groups/pg1"
    owner.post(base + "/policy", array_policy, status=201)
    servers = {}
    for order, name in ((1, "db"), (2, "web")):
        sid = seed_server(site_a, name, volume_sizes=(1, 2))
        servers[name] = sid
        owner.post(base + "/members", {"instance_id": sid, "boot_order": order}, status=201)
    return owner, base, servers


@pytest.fixture
def protected(members_added, casts):
    """The same PG protected, and replicated once."""
    return protect(members_added, casts)


def protect(members_added, casts):
    """Run the protect operations ``members_added`` cast, then replicate."""
    owner, base, servers = members_added
    protect_ops = list(casts)
    run_all(casts)
    for op_id in protect_ops:
        assert op(owner, op_id)["status"] == "completed", op(owner, op_id)
    members = owner.get(base + "/members").json["members"]
    assert {m["status"] for m in members} == {"protected"}
    view = resources.load(protect_ops[0], context.get_admin_context().to_dict())
    driver = view.storage()
    driver.replicate_now()  # what the array's schedule would have done
    driver.close()
    return owner, base, servers




@pytest.fixture
def disaster(protected, clouds, peers, conf, sqlite_api):
    """The protected PG with site-a gone (its protector, cloud and Keystone
    refuse connections); this database plays site-b's protector now, where
    the PG's project maps back to site-a's."""
    owner, _base, _servers = protected
    conf.set_override("site_name", "site-b")
    admin = sqlite_api["admin"]
    admin.post(f"/v1/{admin.project}/tenant-mappings",
               {"local_tenant": owner.project, "remote_site": "site-a",
                "remote_tenant": owner.project}, status=201)
    peers["site-a"].reachable = False
    clouds.down.add("site-a")
    return protected


def site_a_back(clouds, peers) -> None:
    clouds.down.clear()
    peers["site-a"].reachable = True


def home_after_disaster(owner, base: str, casts: list[str], clouds) -> None:
    """With site-a back: sync-force, reprotect (site-a's stale servers and
    volumes gone), failback (active on site-a, nothing left on site-b)."""
    site_a, site_b = clouds["site-a"], clouds["site-b"]
    owner.post(base + "/sync-force", {}, status=200)
    done = act(owner, base, casts, {"reprotect": {}})
    assert done["status"] == "completed", done
    assert live_servers(site_a) == {} and live_volumes(site_a) == {}
    done = act(owner, base, casts, {"failback": {}})
    assert done["status"] == "completed", done
    pg = pg_view(owner, base)
    assert pg["status"] == "active" and pg["runs_on"] == "site-a"
    assert sorted(s.name for s in live_servers(site_a).values()) == ["db", "web"]
    assert live_servers(site_b) == {} and live_volumes(site_b) == {}
