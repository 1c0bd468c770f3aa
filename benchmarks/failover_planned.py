"""RTO of a planned failover of one protection group of N servers.

The real engine flow (check target, stop servers on the source, replicate
now, copy every volume, boot group after boot group, switch) runs in this
process between two fake clouds with modelled per-call latency and mock
storage; see ``_failover.py`` for the model, the critical path and the
serial runbook it compares against. It prints, never asserts.

Usage::

    python benchmarks/failover_planned.py [--vms 1,10,100,500] [--scale 0.05]
                                          [--boot-groups 2] [--tmpdir /dev/shm]
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import _failover  # noqa: E402 - the benchmarks directory is not a package

if __name__ == "__main__":
    _failover.main("planned", __doc__)
