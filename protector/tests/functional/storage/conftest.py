"""Fixtures: simulated arrays on loopback, driven through the real SDK."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from protector.storage.simulator import SimulatedFabric

# A transfer takes 60 s of simulated time; destroyed objects linger 1 hour.
TRANSFER_SECONDS = 60.0
ERADICATION_DELAY = 3600.0


@pytest.fixture
def sim() -> Iterator[SimulatedFabric]:
    with SimulatedFabric(
        ["array-a", "array-b"],
        transfer_seconds=TRANSFER_SECONDS,
        eradication_delay_sec=ERADICATION_DELAY,
    ) as fabric:
        yield fabric


@pytest.fixture
def a(sim: SimulatedFabric) -> Any:
    return sim.client("array-a")


@pytest.fixture
def b(sim: SimulatedFabric) -> Any:
    return sim.client("array-b")
