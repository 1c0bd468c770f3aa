"""Two real protector sites, as processes: per site a MariaDB database of its
own, protector-api and protector-engine started from a generated
protector.conf, RabbitMQ with an exchange and topic unique to the site and
the test run, and the fake clouds of both sites held in this process.

Two pairs of sites, built side by side once for the package and torn down
after its last test (processes killed, databases dropped):

- ``array_pair``: site-a and site-b on simulated FlashArrays that are the
  clouds' Cinder back ends (the pure driver over HTTPS), as the demo runs;
- ``mock_pair``: mock-a and mock-b with ``use_mock_storage`` (the arrays are
  SQLite files in a state directory both sites share).

Each holds a protection group of two VMs (boot + data volume each, one
boot-order tier each), protected. Tests leave it at rest on its primary
site; ``array_home`` / ``mock_home`` check that and replicate it.
MariaDB or RabbitMQ missing is a failure, not a skip.
"""

from __future__ import annotations

import contextlib
import os
import socket
import uuid
from collections.abc import Iterator
from concurrent import futures
from urllib import parse

import pymysql
import pytest

from protector.cloud.fake import service as fake_service
from protector.cloud.fake.cloud import FakeCloud
from protector.cloud.fake.compute import seed_server
from protector.demo import drill
from protector.demo import infra as demo_infra
from protector.storage import base as storage_base
from protector.storage.drivers import mock as mock_driver
from protector.tests import fixtures
from protector.tests.functional.twosite import harness, pairs

# The demo's latencies (a small real cloud), ten times faster, as
# `protector-demo --scale 0.1`: a server builds in 0.3 s, a volume is managed
# in 0.06 s. Most of an operation's time is then protector's own.
SCALE = 0.1
MOCK_ARRAYS = {"mock-a": "https://mock-array-a.example", "mock-b": "https://mock-array-b.example"}
MOCK_TOKEN = "mock-token-0123"


def _require_services() -> None:
    """The project's rule: a missing MariaDB or RabbitMQ fails these tests."""
    try:
        fixtures._mysql().close()
    except pymysql.Error as exc:
        pytest.fail(f"MariaDB does not answer on {fixtures.MYSQL_HOST}:3306 as "
                    f"{fixtures.MYSQL_USER}: {exc} (.ci/run starts it)", pytrace=False)
    url = parse.urlsplit(harness.TRANSPORT)
    with socket.socket() as s:
        s.settimeout(2)
        if s.connect_ex((url.hostname or "127.0.0.1", url.port or 5672)) != 0:
            pytest.fail(f"RabbitMQ does not answer at {url.hostname}:{url.port or 5672} "
                        "(.ci/run starts it)", pytrace=False)


@pytest.fixture(scope="package")
def run_id() -> str:
    """Names this test run's databases, exchanges and topics apart from any
    other run on the same MariaDB and RabbitMQ."""
    return uuid.uuid4().hex[:10]


def _bring_up(sites: dict[str, harness.Site]) -> None:
    """Databases created and synced, then every service started and up."""
    for site in sites.values():
        site.create_database()
    syncs = {name: site.db_sync() for name, site in sites.items()}
    for name, proc in syncs.items():
        out, _ = proc.communicate(timeout=120)
        assert proc.returncode == 0, f"protector-manage db sync of {name}: {out.decode()}"
    for site in sites.values():
        site.start()
    for site in sites.values():
        site.wait_ready()


def _tear_down(sites: dict[str, harness.Site]) -> None:
    errors = []
    for site in sites.values():  # nothing to shut down gracefully: SIGKILL
        for service in (site.api, *site.engines.values()):
            try:
                service.kill()
            except Exception as exc:  # noqa: BLE001 - stop the others, then report
                errors.append(f"{site.name} {service.binary}: {exc}")
    if os.environ.get("PROTECTOR_TWOSITE_KEEP_DATABASES"):  # for a post-mortem
        return
    for site in sites.values():
        try:
            site.drop_database()
        except pymysql.Error as exc:
            errors.append(f"{site.name}: drop {site.database}: {exc}")
    assert not errors, "; ".join(errors)


def _array_pair(workdir: str, run_id: str, cleanup: contextlib.ExitStack) -> pairs.Pair:
    infra = demo_infra.Infrastructure(workdir, scale=SCALE, vms_hint=2)
    cleanup.callback(infra.stop)
    infra.start()
    assert infra.address is not None and infra.registry is not None
    sites: dict[str, harness.Site] = {}
    cleanup.callback(_tear_down, sites)
    for name, host in (("site-a", "127.0.0.1"), ("site-b", "127.0.0.2")):
        sites[name] = harness.Site(name, host, workdir, run_id=run_id,
                                   fake_cloud=infra.address, authkey_file=infra.authkey_file,
                                   ca_file=infra.arrays.ca_file)
    _bring_up(sites)

    def array_volumes(site: str) -> set[str]:
        fabric = infra.fabric.fabric
        with fabric.lock:
            fabric.sync()
            array = fabric.arrays[demo_infra.ARRAYS[site]]
            return {v["name"] for v in array.get_volumes(names=None, destroyed=None)}

    pair = pairs.Pair(sites, infra.clouds, infra.registry,
                      projects={"site-a": drill.PROJECT_A, "site-b": drill.PROJECT_B},
                      volume_type=demo_infra.VOLUME_TYPE, replicate=infra.replicate,
                      array_volumes=array_volumes)
    pair.infra = infra  # stop_site / restore_site for the disaster
    pair.register()
    arrays = infra.arrays
    pair.protect({"primary_fa_url": arrays.urls["site-a"],
                  "primary_fa_api_token": arrays.api_token,
                  "secondary_fa_url": arrays.urls["site-b"],
                  "secondary_fa_api_token": arrays.api_token, "rpo_minutes": 5},
                 infra.seed_servers("site-a", 2))
    return pair


def _mock_pair(workdir: str, run_id: str, cleanup: contextlib.ExitStack) -> pairs.Pair:
    knobs = {k: v * SCALE for k, v in demo_infra.LATENCY.items()}
    clouds = {name: FakeCloud(name, **knobs) for name in MOCK_ARRAYS}
    key_file = os.path.join(workdir, "fake-clouds.key")
    registry, server, address = fake_service.serve(
        clouds, ("127.0.0.1", 0), fake_service.write_authkey(key_file))
    cleanup.callback(server.stop_event.set)
    state = os.path.join(workdir, "state")  # both sites' mock arrays
    sites: dict[str, harness.Site] = {}
    cleanup.callback(_tear_down, sites)
    for name, host in (("mock-a", "127.0.0.3"), ("mock-b", "127.0.0.4")):
        # mock-a runs two engines in test_engine_leases.py: a longer lease.
        sites[name] = harness.Site(name, host, workdir, run_id=run_id, fake_cloud=address,
                                   authkey_file=key_file, mock_storage=True, state_path=state,
                                   lease_seconds=5)
    _bring_up(sites)

    def replicate(site: str) -> None:
        """What the mock array's schedule would do: a recovery point now."""
        other = next(n for n in MOCK_ARRAYS if n != site)
        endpoint = {n: storage_base.ArrayEndpoint(url=url, api_token=MOCK_TOKEN)
                    for n, url in MOCK_ARRAYS.items()}
        driver = mock_driver.MockDriver(
            storage_base.GroupSpec(pg_id=pair.pg(site)["id"], replication_type="async",
                                   rpo_minutes=5, object_name=pairs.PG),
            storage_base.ArrayPair(endpoint[site], endpoint[other]),
            storage_base.DriverOptions(state_path=state))
        driver.replicate_now()

    pair = pairs.Pair(sites, clouds, registry,
                      projects={"mock-a": drill.PROJECT_A, "mock-b": drill.PROJECT_B},
                      volume_type="replicated", replicate=replicate)
    pair.mock_state = state
    pair.register()
    pair.protect({"primary_fa_url": MOCK_ARRAYS["mock-a"], "primary_fa_api_token": MOCK_TOKEN,
                  "secondary_fa_url": MOCK_ARRAYS["mock-b"],
                  "secondary_fa_api_token": MOCK_TOKEN, "rpo_minutes": 5,
                  "pure_pg_name": pairs.PG},
                 {name: seed_server(clouds["mock-a"], name, volume_sizes=(1, 2))
                  for name in ("db", "app")})
    return pair


@pytest.fixture(scope="package")
def built(tmp_path_factory: pytest.TempPathFactory, run_id: str
          ) -> Iterator[dict[str, futures.Future]]:
    """Both pairs, built side by side in the background (most of a build is
    waiting for processes and operations, not CPU): pair name -> future."""
    _require_services()
    builders = {"arrays": _array_pair, "mock": _mock_pair}
    stacks = {name: contextlib.ExitStack() for name in builders}
    pool = futures.ThreadPoolExecutor(len(builders), thread_name_prefix="twosite-build")
    try:
        yield {name: pool.submit(build, str(tmp_path_factory.mktemp(f"twosite-{name}")),
                                 run_id, stacks[name])
               for name, build in builders.items()}
    finally:
        pool.shutdown(wait=True)  # every build finished or failed (all have timeouts)
        errors = []
        for name, stack in stacks.items():
            try:
                stack.close()
            except Exception as exc:  # noqa: BLE001 - tear the other down too
                errors.append(f"{name}: {exc}")
        assert not errors, "; ".join(errors)


@pytest.fixture(scope="package")
def array_pair(built: dict[str, futures.Future]) -> pairs.Pair:
    return built["arrays"].result()


@pytest.fixture(scope="package")
def mock_pair(built: dict[str, futures.Future]) -> pairs.Pair:
    return built["mock"].result()


def _at_home(pair: pairs.Pair) -> pairs.Pair:
    """The pair's PG at rest on its primary site, as every test leaves it
    (an earlier test that failed half-way is named here, not blamed later),
    with a recovery point of its current volumes: after a failback the
    newest one may predate them, and a test failover would pick it."""
    try:
        pair.assert_pg(pair.primary, "active", pair.primary)
        pair.assert_clouds("the previous test", **{pair.primary.replace("-", "_"):
                                                   ("ACTIVE", pair.vms)})
    except AssertionError as exc:
        pytest.fail(f"the PG is not at rest on {pair.primary} (an earlier test failed "
                    f"half-way?): {exc}", pytrace=False)
    pair.replicate(pair.primary)
    return pair


@pytest.fixture
def array_home(array_pair: pairs.Pair) -> pairs.Pair:
    return _at_home(array_pair)


@pytest.fixture
def mock_home(mock_pair: pairs.Pair) -> pairs.Pair:
    return _at_home(mock_pair)
