"""Fault injection for a running ``protector-flasharray-sim`` (``--control``).

Plain HTTP on loopback, for tests and drills in other processes; every call
needs the header ``x-sim-token`` with the arrays' API token. One endpoint::

    POST /faults  {"array": "array-b", "unreachable": "refuse" | "503" | null}
                  {"array": "array-b", "latency": 0.5}
                  {"array": "array-b", "error": {"operation": "post_volumes",
                                                 "message": "...", "status": 400,
                                                 "times": 1}}
                  {"array": "array-b", "down_after": {"operation": "post_volumes",
                                                      "calls": 1}}
                  {"array": "array-b", "clear": true}
                  {"link": ["array-a", "array-b"], "up": false}

It answers ``{"array": ..., "unreachable": ..., "latency": ..., "errors": n}``
for the array (or ``{"link": [...], "up": ...}``).
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import webob

if TYPE_CHECKING:
    from protector.storage.simulator.harness import SimulatedFabric


def _json(status: int, body: Any) -> webob.Response:
    resp = webob.Response(status=status, content_type="application/json", charset="utf-8")
    resp.text = json.dumps(body)
    return resp


class ControlApp:
    def __init__(self, sim: SimulatedFabric) -> None:
        self.sim = sim

    def __call__(self, environ: dict, start_response: Any) -> Iterable[bytes]:
        req = webob.Request(environ)
        try:
            resp = self.handle(req)
        except (ValueError, KeyError, TypeError) as exc:
            resp = _json(400, {"error": f"bad fault request: {exc}"})
        return resp(environ, start_response)

    def handle(self, req: webob.Request) -> webob.Response:
        token = req.headers.get("x-sim-token", "")
        if not hmac.compare_digest(token.encode(), self.sim.api_token.encode()):
            return _json(401, {"error": "x-sim-token is missing or wrong"})
        if req.path_info != "/faults" or req.method != "POST":
            return _json(404, {"error": "only POST /faults"})
        body = json.loads(req.body or b"{}")
        if not isinstance(body, dict):
            raise ValueError("the body must be a JSON object")
        if "link" in body:
            a, b = body["link"]
            self.sim.set_link(a, b, bool(body["up"]))
            return _json(200, {"link": [a, b], "up": bool(body["up"])})
        name = body["array"]
        if name not in self.sim.fabric.arrays:
            raise KeyError(f"no array {name}")
        if body.get("clear"):
            if self.sim.fabric.fault(name).unreachable == "refuse":
                self.sim.make_reachable(name)
            self.sim.fabric.clear_faults(name)
        if "unreachable" in body:
            mode = body["unreachable"]
            if mode is None:
                if self.sim.fabric.fault(name).unreachable is not None:
                    self.sim.make_reachable(name)
            else:
                self.sim.make_unreachable(name, mode)
        if "latency" in body:
            self.sim.set_latency(name, float(body["latency"]))
        if "error" in body:
            err = body["error"]
            self.sim.inject_error(name, str(err["operation"]), str(err["message"]),
                                  status=int(err.get("status", 400)),
                                  times=err.get("times", 1))
        if "down_after" in body:
            after = body["down_after"]
            self.sim.fabric.down_after(name, str(after["operation"]), int(after.get("calls", 1)))
        faults = self.sim.fabric.fault(name)
        return _json(200, {"array": name, "unreachable": faults.unreachable,
                           "latency": faults.latency, "errors": len(faults.errors)})
