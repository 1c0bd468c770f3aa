"""RTO of a test failover (a DR drill) of one protection group of N servers.

The real engine flow (check target, pick the recovery point, isolated
network, copy every volume, boot group after boot group, record) runs in
this process between two fake clouds with modelled per-call latency and
mock storage; the running site is not touched. See ``_failover.py`` for
the model, the critical path and the serial runbook it compares against.
It prints, never asserts.

Usage::

    python benchmarks/failover_test.py [--vms 1,10,100,500] [--scale 0.05]
                                       [--boot-groups 2] [--tmpdir /dev/shm]
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import _failover  # noqa: E402 - the benchmarks directory is not a package

if __name__ == "__main__":
    _failover.main("test", __doc__)
