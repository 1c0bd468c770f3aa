"""A fake site on a simulated clock: nothing in these tests really waits."""

from typing import Any

import pytest

from protector.cloud.base import Cloud
from protector.cloud.fake import FakeClock, FakeCloud


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def make_cloud(clock: FakeClock) -> Any:
    def make(**knobs: Any) -> FakeCloud:
        return FakeCloud("site-b", clock=clock.monotonic, sleep=clock.sleep, **knobs)
    return make


@pytest.fixture
def fake(make_cloud: Any) -> FakeCloud:
    return make_cloud()


@pytest.fixture
def cloud(fake: FakeCloud) -> Cloud:
    return fake.as_cloud()
