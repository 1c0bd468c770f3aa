"""The wire protocol as py-pure-client sees it: versions, auth, envelopes, errors."""

from __future__ import annotations

import json
import ssl
import urllib.error
import urllib.request

import pytest
import urllib3
from pypureclient import PureError, flasharray

from protector.storage.simulator import SimulatedFabric
from protector.tests.functional.storage.helpers import GiB, create_volumes, err, names, ok


def _raw(sim: SimulatedFabric, name: str, path: str, headers: dict[str, str] | None = None):
    """A plain HTTPS GET, bypassing the SDK, verified against the simulator's CA."""
    ctx = ssl.create_default_context(cafile=sim.ca_file)
    req = urllib.request.Request(f"https://{sim.target(name)}{path}", headers=headers or {})
    try:
        with urllib.request.urlopen(req, context=ctx, timeout=5) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_client_negotiates_newest_version_and_logs_in(sim, a):
    assert a.get_rest_version() == "2.58"
    array = ok(a.get_arrays())[0]
    assert (array.name, array.version) == ("array-a", "6.7.3")
    assert len(sim.array("array-a").sessions) == 1


def test_client_picks_newest_version_the_array_offers(sim):
    sim.array("array-b").rest_versions = [f"2.{m}" for m in range(0, 31)]
    client = sim.client("array-b")
    assert client.get_rest_version() == "2.30"
    assert ok(client.get_arrays())[0].name == "array-b"
    status, body = _raw(sim, "array-b", "/api/2.58/arrays")
    assert status == 404 and "not supported" in body["errors"][0]["message"]


def test_api_version_needs_no_auth(sim):
    status, body = _raw(sim, "array-a", "/api/api_version")
    assert status == 200 and body["version"][-1] == "2.58"


def test_wrong_api_token_fails_login(sim):
    with pytest.raises(PureError, match="session token"):
        sim.client("array-a", api_token="not-the-token")


def test_missing_or_unknown_session_token_is_401(sim, a):
    status, body = _raw(sim, "array-a", "/api/2.58/volumes")
    assert status == 401 and body["errors"][0]["message"]
    status, _ = _raw(sim, "array-a", "/api/2.58/volumes", {"x-auth-token": "bogus"})
    assert status == 401


def test_sdk_logs_in_again_after_losing_its_session(sim, a):
    create_volumes(a, "v1")
    sim.array("array-a").sessions.clear()
    # The SDK retries a 401 once after fetching a new x-auth-token.
    assert names(ok(a.get_volumes())) == ["v1"]
    assert len(sim.array("array-a").sessions) == 1


def test_error_shape(a):
    res = a.get_volumes(names=["missing"])
    assert "does not exist" in err(res)
    assert res.errors[0].context == "missing"


def test_csv_lists_address_several_objects(a):
    create_volumes(a, "v1", "v2", "v3")
    assert names(ok(a.get_volumes(names=["v1", "v3"]))) == ["v1", "v3"]
    assert "does not exist" in err(a.get_volumes(names=["v1", "nope"]))


def test_continuation_token_pages_through_results(a):
    create_volumes(a, *[f"v{i}" for i in range(5)])
    first = a.get_volumes(limit=2, sort=["name"])
    assert names(ok(first)) == ["v0", "v1"]
    assert first.total_item_count == 5 and first.more_items_remaining is True
    second = a.get_volumes(limit=2, sort=["name"], continuation_token=first.continuation_token)
    assert names(ok(second)) == ["v2", "v3"]
    third = a.get_volumes(limit=2, sort=["name"], continuation_token=second.continuation_token)
    assert names(ok(third)) == ["v4"]
    assert third.more_items_remaining is False and third.continuation_token is None
    assert "continuation token" in err(a.get_volumes(continuation_token="garbage"))


def test_sdk_auto_pagination_follows_tokens(sim, a):
    create_volumes(a, *[f"v{i}" for i in range(5)])
    paged = sim.client("array-a", auto_pagination_limit=2)
    assert sorted(names(ok(paged.get_volumes()))) == [f"v{i}" for i in range(5)]


def test_sort_accepts_trailing_and_leading_minus(a):
    create_volumes(a, "v1", "v3")
    create_volumes(a, "v2", size=2 * GiB)
    assert names(ok(a.get_volumes(sort=["name-"]))) == ["v3", "v2", "v1"]
    assert names(ok(a.get_volumes(sort=["-name"]))) == ["v3", "v2", "v1"]
    assert names(ok(a.get_volumes(sort=["name"]))) == ["v1", "v2", "v3"]
    assert names(ok(a.get_volumes(sort=["provisioned-", "name"]))) == ["v2", "v1", "v3"]


def test_filter_expressions(a):
    create_volumes(a, "db-1", "db-2", "web-1")
    create_volumes(a, "db-3", size=2 * GiB)
    assert names(ok(a.get_volumes(filter="name='db-*'", sort=["name"]))) == [
        "db-1", "db-2", "db-3",
    ]
    assert names(ok(a.get_volumes(filter=f"provisioned>{GiB}"))) == ["db-3"]
    both = a.get_volumes(filter="name='web-*' or provisioned>=2147483648", sort=["name"])
    assert names(ok(both)) == ["db-3", "web-1"]
    assert names(ok(a.get_volumes(filter="not(name='db-*')"))) == ["web-1"]
    assert names(ok(a.get_volumes(filter="destroyed=false and name='db-2'"))) == ["db-2"]
    assert "filter" in err(a.get_volumes(filter="name=="))


def test_injected_error_fails_the_named_operation_only(sim, a):
    sim.inject_error("array-a", "post_volumes", "Volume limit reached.", times=1)
    res = a.post_volumes(names=["v1"], volume=flasharray.VolumePost(provisioned=GiB))
    assert "limit reached" in err(res)
    assert ok(a.get_volumes()) == []
    create_volumes(a, "v1")  # the fault fired once


def test_503_mode_is_retried_then_reported(sim):
    client = sim.client("array-a", retries=1)
    sim.make_unreachable("array-a", mode="503")
    res = client.get_volumes()
    assert res.status_code == 503
    sim.make_reachable("array-a")
    assert ok(client.get_volumes()) == []


def test_refused_array_makes_the_sdk_raise(sim, a):
    address = sim.target("array-a")
    sim.make_unreachable("array-a")
    # Connection errors are not turned into ErrorResponse by the SDK.
    with pytest.raises(urllib3.exceptions.MaxRetryError):
        a.get_volumes()
    with pytest.raises(urllib3.exceptions.MaxRetryError):
        sim.client("array-a")
    sim.make_reachable("array-a")
    assert sim.target("array-a") == address
    assert ok(a.get_volumes()) == []


@pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")
def test_insecure_client_also_works(sim):
    # What the Cinder driver does by default: no CA, verification off.
    client = flasharray.Client(target=sim.target("array-a"), api_token=sim.api_token,
                               verify_ssl=False)
    assert ok(client.get_arrays())[0].name == "array-a"


def test_unmodelled_parameters_are_refused_not_ignored(a):
    res = a.post_protection_groups(names=["pg"], source_names=["other.1"])
    assert "does not support the source_names parameter" in err(res)
    assert ok(a.get_protection_groups()) == []

