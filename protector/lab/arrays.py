"""The lab's FlashArrays (``up --storage pure``): array-a on site a's address,
array-b on site b's, served over HTTPS by one ``protector-flasharray-sim``
process (the arrays replicate to each other in process) with fault injection
on 127.0.0.1:8449.

Cinder's upstream Pure driver on each site's cinder-volume, and protector's
``pure`` driver on both sites, talk to these arrays; tests and the demo read
them with py-pure-client, as an operator would. The arrays keep their state
in memory: a restarted simulator starts empty, so it runs until ``down``.
"""

from __future__ import annotations

import contextlib
import json
import time
import urllib.request
from collections.abc import Iterator
from typing import Any

from protector.lab import config, infra, procs
from protector.lab.config import ARRAYS, Site
from protector.lab.procs import LabError

NAME = "flasharray-sim"
# Protector's pgroups replicate every rpo_minutes; a snapshot takes this long
# to reach the peer. Short, so a drill's recovery points come quickly.
TRANSFER_SECONDS = 3.0


def _argv() -> list[str]:
    argv = [config.protector_bin("protector-flasharray-sim")]
    for site in config.SITES.values():
        argv += ["--array", f"{site.array_name}={site.array_target}"]
    return [*argv, "--cert-dir", str(config.array_ca_file().parent),
            "--transfer-seconds", str(TRANSFER_SECONDS),
            "--control", f"127.0.0.1:{config.ARRAY_CONTROL_PORT}"]


def running() -> int | None:
    return procs.running(ARRAYS, NAME)


def up(timeout: float = 30.0) -> None:
    """Start the arrays unless they run; wait until both answer over TLS."""
    log = ARRAYS.dir / "log" / f"{NAME}.log"
    if running() is None:
        procs.start(ARRAYS, NAME, _argv(), log,
                    env={"PROTECTOR_SIM_API_TOKEN": config.ARRAY_API_TOKEN})
    deadline = time.monotonic() + timeout
    hosts = [(s.ip, config.ARRAY_PORT) for s in config.SITES.values()]
    hosts.append(("127.0.0.1", config.ARRAY_CONTROL_PORT))
    while not all(infra.port_open(h, p) for h, p in hosts):
        if running() is None:
            raise LabError(f"{NAME} exited; last lines of {log}:\n{procs.log_tail(log)}")
        if time.monotonic() > deadline:
            raise LabError(f"{NAME} did not listen within {timeout:.0f}s; see {log}")
        time.sleep(0.2)


def down() -> bool:
    return procs.stop(ARRAYS, NAME)


def fault(**body: Any) -> dict[str, Any]:
    """POST /faults to the simulator, e.g. ``fault(array="array-b", unreachable="refuse")``."""
    req = urllib.request.Request(
        f"http://127.0.0.1:{config.ARRAY_CONTROL_PORT}/faults", method="POST",
        data=json.dumps(body).encode(),
        headers={"x-sim-token": config.ARRAY_API_TOKEN, "content-type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read())


@contextlib.contextmanager
def session(site: Site) -> Iterator[Any]:
    """:func:`client`, logged out afterwards (py-pure-client otherwise logs
    out only at interpreter exit, when the simulator may be gone)."""
    sdk = client(site)
    try:
        yield sdk
    finally:
        sdk._token_man.close_session()


def client(site: Site) -> Any:
    """A py-pure-client FlashArray client for ``site``'s array (TLS verified)."""
    from pypureclient import flasharray
    from pypureclient.configuration import Configuration

    return flasharray.Client(target=site.array_target, api_token=config.ARRAY_API_TOKEN,
                             verify_ssl=True,
                             configuration=Configuration(
                                 ssl_ca_cert=str(config.array_ca_file())))


def cinder_env() -> dict[str, str]:
    """py-pure-client 1.83 (OpenStack 2026.1's) drops ``ssl_cert``, i.e. Cinder's
    driver_ssl_cert_path, and verifies with the default trust store: point that
    at the simulator's CA for cinder-volume."""
    return {"SSL_CERT_FILE": str(config.array_ca_file())}


def memory_kib() -> int:
    pid = running()
    return procs.pss_kib(procs.group_pids(pid)) if pid else 0

