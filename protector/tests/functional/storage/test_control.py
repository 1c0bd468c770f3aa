"""The simulator's fault-injection endpoint (``--control``), as the lab's
drills call it from another process: POST /faults with the token."""

from __future__ import annotations

import json
from typing import Any

import pytest
import webob
from pypureclient import flasharray

from protector.storage.simulator.harness import SimulatedFabric
from protector.storage.simulator.http.control import ControlApp
from protector.tests.functional.storage.helpers import create_volumes, err, ok


def _post(sim: SimulatedFabric, body: Any, token: str | None = None) -> webob.Response:
    req = webob.Request.blank("/faults", method="POST", body=json.dumps(body).encode(),
                              headers={"x-sim-token": token or sim.api_token,
                                       "content-type": "application/json"})
    return req.get_response(ControlApp(sim))


def test_needs_the_token_and_a_known_array(sim: SimulatedFabric) -> None:
    assert _post(sim, {"array": "array-b", "clear": True}, token="wrong").status_code == 401
    resp = _post(sim, {"array": "array-z", "clear": True})
    assert resp.status_code == 400 and "no array array-z" in resp.json["error"]


def test_array_goes_down_after_its_first_copy(sim: SimulatedFabric, b: Any) -> None:
    """down_after: the calls before it are served; then everything is 503
    until cleared, and what was made before stays."""
    create_volumes(b, "src")
    copy = flasharray.VolumePost(source=flasharray.Reference(name="src"))
    resp = _post(sim, {"array": "array-b",
                       "down_after": {"operation": "post_volumes", "calls": 1}})
    assert resp.status_code == 200, resp.text
    ok(b.get_volumes())  # another operation does not count
    ok(b.post_volumes(names=["copy-1"], volume=copy))
    assert sim.fabric.fault("array-b").unreachable == "503"
    assert "Service unavailable" in err(b.post_volumes(names=["copy-2"], volume=copy),
                                        status=503)
    assert _post(sim, {"array": "array-b", "clear": True}).json["unreachable"] is None
    assert sorted(v.name for v in ok(b.get_volumes())) == ["copy-1", "src"]


@pytest.mark.parametrize("calls", [0, -1])
def test_down_after_needs_a_call(sim: SimulatedFabric, calls: int) -> None:
    resp = _post(sim, {"array": "array-b", "down_after": {"operation": "post_volumes",
                                                          "calls": calls}})
    assert resp.status_code == 400 and "calls must be at least 1" in resp.json["error"]
