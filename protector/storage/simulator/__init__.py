"""A Pure Storage FlashArray REST 2.x simulator.

The real ``py-pure-client`` SDK talks to it over HTTPS on loopback. See
:class:`SimulatedFabric` for tests and :mod:`.cmd` for the standalone
process (``protector-flasharray-sim``).
"""

from protector.storage.simulator.clock import ManualClock, SystemClock
from protector.storage.simulator.harness import DEFAULT_API_TOKEN, SimulatedFabric
from protector.storage.simulator.state.fabric import Fabric

__all__ = ["DEFAULT_API_TOKEN", "Fabric", "ManualClock", "SimulatedFabric", "SystemClock"]
