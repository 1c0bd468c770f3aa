"""Contract: Cinder's upstream Pure driver runs unmodified on the simulator.

``upstream_cinder_pure.py`` runs in the lab venv (cinder 28.0.0 and the
py-pure-client of OpenStack's 2026.1 constraints) against two simulated
arrays served here. It runs twice: with a ``type:sync`` replication device
(cinder-pod stretched, plus cinder-group), as the lab configures
cinder-volume, and with ``type:async`` (cinder-group only), whose failover
copies volumes from the replicated snapshot. A simulator change that breaks
a call the real driver makes fails here; so does any call the simulator does
not serve (404/405) or fails on (500).
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
from pathlib import Path

import pytest

from protector.lab import config
from protector.storage.simulator.clock import SystemClock
from protector.storage.simulator.harness import SimulatedFabric

SCRIPT = Path(__file__).with_name("upstream_cinder_pure.py")
TOKEN = "contract-token"


class _Refusals(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture()
def arrays(tmp_path: Path):
    sim = SimulatedFabric(["array-a", "array-b"], api_token=TOKEN, clock=SystemClock(),
                          listen={"array-a": ("127.0.0.1", 0), "array-b": ("127.0.0.2", 0)},
                          cert_dir=str(tmp_path / "certs"), transfer_seconds=1.0)
    handler = _Refusals()
    logger = logging.getLogger("protector.storage.simulator.http.app")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    with sim:
        yield sim, handler
    logger.removeHandler(handler)


def _conf(path: Path, sim: SimulatedFabric, kind: str) -> Path:
    ca = sim.ca_file
    device = (f"backend_id:array-b,san_ip:{sim.target('array-b')},api_token:{TOKEN},"
              f"ssl_cert_verify:True,ssl_cert_path:{ca},type:{kind}")
    path.write_text(
        "[DEFAULT]\nenabled_backends = pure\n"
        "[pure]\n"
        "volume_driver = cinder.volume.drivers.pure.PureISCSIDriver\n"
        "volume_backend_name = pure\n"
        f"san_ip = {sim.target('array-a')}\n"
        f"pure_api_token = {TOKEN}\n"
        "driver_ssl_cert_verify = True\n"
        f"driver_ssl_cert_path = {ca}\n"
        "pure_eradicate_on_delete = True\n"
        f"replication_device = {device}\n")
    return path


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_upstream_cinder_pure_driver_on_the_simulator(arrays, tmp_path: Path,
                                                      kind: str) -> None:
    python = config.venv_dir() / "bin" / "python"
    if not python.exists():
        pytest.fail(f"no lab venv at {config.venv_dir()}: run `python -m protector.lab install`")
    sim, refusals = arrays
    conf = _conf(tmp_path / f"cinder-{kind}.conf", sim, kind)
    # py-pure-client 1.83 ignores ssl_cert (Cinder's driver_ssl_cert_path) and
    # verifies against the default trust store: the lab sets this for
    # cinder-volume too (docs/lab.md).
    env = {**os.environ, "SSL_CERT_FILE": sim.ca_file}
    proc = subprocess.run([str(python), str(SCRIPT), str(conf)], capture_output=True,
                          text=True, timeout=300, env=env, cwd=tmp_path)
    steps = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    failed = [s for s in steps if s.get("ok") is False]
    assert not failed, "\n".join(f"{s['step']}: {s['error']}\n{s['trace']}" for s in failed)
    summary = steps[-1] if steps else {}
    assert summary.get("summary") and summary["passed"] == 10, (proc.stdout, proc.stderr[-3000:])
    assert proc.returncode == 0, proc.stderr[-3000:]
    unserved = [line for line in refusals.lines if any(f"-> {code}" in line
                                                      for code in (404, 405, 500))]
    assert not unserved, "calls the simulator did not serve:\n" + "\n".join(unserved)
    # Everything the driver made it deleted (eradicated): only the pgroup,
    # its snapshots and the pod are left.
    for name in ("array-a", "array-b"):
        live = [v.name for v in sim.array(name).all_volumes()]
        assert live == [], f"{name} still holds {live}"


@pytest.fixture(scope="session")
def lab() -> None:
    """Overrides the tier's lab check: this needs the lab's venv, not a running lab."""
