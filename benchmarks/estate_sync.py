"""Peer sync cost per operation: how many times an operation pushes the PG's
document to the peer site, how many bytes, and how far it moves
``metadata_version``, for PGs of growing size.

The whole drill (test failover, test cleanup, planned failover, reprotect,
failback) runs through the real engine in this process, on the failover
benchmarks' set-up (``_failover.py``: the API on SQLite, two fake clouds
with no latency, the peer site in memory). Every ``put_metadata`` the peer
receives is counted, with the size of its JSON body.

The goal (issue #17): a bounded number of pushes per operation, whatever
the PG's size (one per phase, not one per step or member), and a version
that rises by a few per operation. Printed as measured, and as the ratio
of the largest PG to the smallest, per member: a push count that stays flat
gives a ratio of 1/(size ratio); bytes that grow with the members, about 1.

    .venv/bin/python benchmarks/estate_sync.py            # PGs of 10 and 100
    .venv/bin/python benchmarks/estate_sync.py --quick    # 2 and 10 (CI)
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from typing import Any

import pytest
from _failover import environment  # noqa: E402 - beside this file, as the scripts run
from _failover_model import Limits, Model

from protector.clients.peer_fake import FakePeerClient
from protector.engine import worker
from protector.tests.functional.engine.conftest import op

DRILL = (("test failover", {"test_failover": {"auto_network": True}}),
         ("test cleanup", {"test_cleanup": {}}),
         ("planned failover", {"failover": {"failover_type": "planned"}}),
         ("reprotect", {"reprotect": {}}),
         ("failback", {"failback": {}}))
NO_LATENCY = Model(latency=0.0, poll=0.001, stop=0.0, replicate=0.0, volume=0.0, build=0.0,
                   attach=0.0)


@dataclass
class Pushes:
    count: int = 0
    bytes: int = 0
    sizes: list[int] = field(default_factory=list)


def _counting(pushes: Pushes) -> Any:
    real = FakePeerClient.put_metadata

    def put_metadata(self: Any, project_id: str, document: dict, force: bool = False
                     ) -> dict:
        size = len(json.dumps(document, separators=(",", ":"), default=str))
        pushes.count += 1
        pushes.bytes += size
        pushes.sizes.append(size)
        return real(self, project_id, document, force)

    return put_metadata


def drill(n: int) -> dict[str, tuple[int, int, int]]:
    """Operation -> (pushes, bytes, metadata_version rise) for a PG of ``n``."""
    found: dict[str, tuple[int, int, int]] = {}
    with environment(n, 2, NO_LATENCY, Limits()) as env, pytest.MonkeyPatch.context() as mp:
        pushes = Pushes()
        mp.setattr(FakePeerClient, "put_metadata", _counting(pushes))
        for label, body in DRILL:
            before = env.owner.get(env.base).json["protection_group"]["metadata_version"]
            start_count, start_bytes = pushes.count, pushes.bytes
            # The API's own push (the PG's state change) counts too.
            op_id = env.owner.post(env.base + "/action", body, status=202).json[
                "operation"]["id"]
            env.casts.clear()
            worker.run(op_id, host="engine-1")
            done = op(env.owner, op_id)
            if done["status"] != "completed":
                raise RuntimeError(f"{label} of {n} ended {done['status']}: "
                                   f"{done['error_message']}")
            after = env.owner.get(env.base).json["protection_group"]["metadata_version"]
            found[label] = (pushes.count - start_count, pushes.bytes - start_bytes,
                            after - before)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--vms", default="10,100", help="servers per PG, per run")
    parser.add_argument("--quick", action="store_true", help="PGs of 2 and 10 (CI)")
    args = parser.parse_args()
    sizes = [2, 10] if args.quick else [int(v) for v in args.vms.split(",")]
    results = {n: drill(n) for n in sizes}
    print(f"{'operation':<18}" + "".join(f"{f'N={n}: pushes bytes +version':>32}"
                                         for n in sizes))
    for label, _body in DRILL:
        cells = "".join(f"{results[n][label][0]:>14}{results[n][label][1]:>10}"
                        f"{results[n][label][2]:>8}" for n in sizes)
        print(f"{label:<18}{cells}")
    small, large = sizes[0], sizes[-1]
    if large > small:
        print(f"\nper member, N={large} over N={small} (size ratio {large / small:g}):")
        for label, _body in DRILL:
            (p1, b1, _), (p2, b2, _) = results[small][label], results[large][label]
            print(f"  {label:<18} pushes {(p2 / large) / (p1 / small):6.3f}   "
                  f"bytes {(b2 / large) / (b1 / small):6.3f}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
