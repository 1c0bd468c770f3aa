"""The integration tier: the spec's commands, run with the real `openstack`
CLI against the two-site lab (`python -m protector.lab up`, docs/lab.md).

Every test here is marked `integration`. Without a running lab they are
skipped with the reason; with PROTECTOR_LAB_REQUIRED=1 (tools/ci-lab.sh)
a missing lab fails them instead.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from protector.lab import config, procs

# The drills' shared fixtures: the demo tenant per site, the tenant mapping,
# two servers to protect.
from protector.tests.integration.drill import mapping, tenants, workload  # noqa: F401
from protector.tests.integration.helpers import SITES, Openstack, register_sites

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.integration)


def _lab_problem() -> str | None:
    """Why the lab cannot serve these tests, or None when it can."""
    if not config.clouds_yaml().exists():
        return f"no {config.clouds_yaml()}"
    for site in SITES:
        for name in ("keystone-api", "cinder-volume", "nova-compute", "protector-api"):
            if procs.running(site, name) is None:
                return f"{name} of site {site.name} is not running"
        try:
            with urllib.request.urlopen(site.url("protector") + "/", timeout=5):
                pass
        except OSError as exc:
            return f"protector-api of site {site.name} does not answer: {exc}"
    return None


@pytest.fixture(scope="session", autouse=True)
def lab() -> None:
    problem = _lab_problem()
    if problem is None:
        return
    message = (f"the two-site lab is not up ({problem}); start it with "
               f"`python -m protector.lab up` (docs/lab.md, PROTECTOR_LAB_DIR="
               f"{config.lab_dir()})")
    if os.environ.get("PROTECTOR_LAB_REQUIRED") == "1":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def _openstack_exe() -> str:
    beside = Path(sys.executable).parent / "openstack"
    return str(beside) if beside.exists() else (shutil.which("openstack") or "openstack")


def _runner(clouds_yaml: Path) -> Openstack:
    """``run(cloud, *args)``: the real CLI with ``clouds_yaml``; JSON output
    parsed when ``-f json`` is among the args, else the text."""
    env = {**os.environ, "OS_CLIENT_CONFIG_FILE": str(clouds_yaml)}
    for var in [v for v in env if v.startswith("OS_") and v != "OS_CLIENT_CONFIG_FILE"]:
        del env[var]  # a developer's OS_CLOUD or OS_PASSWORD must not leak in

    def run(cloud: str, *args: str, check: bool = True) -> Any:
        argv = [_openstack_exe(), "--os-cloud", cloud, *args]
        proc = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=900,
                              check=False)
        if check and proc.returncode != 0:
            raise AssertionError(f"{' '.join(argv[1:])} exited {proc.returncode}:\n"
                                 f"{proc.stderr.strip()}\n{proc.stdout.strip()}")
        if not check:
            return proc
        return json.loads(proc.stdout) if "json" in args else proc.stdout

    return run


@pytest.fixture(scope="session")
def openstack() -> Openstack:
    """The CLI with the lab's clouds.yaml (site-a/site-b are admins)."""
    return _runner(config.clouds_yaml())


@pytest.fixture(scope="session")
def tenant_openstack() -> Openstack:
    """The CLI as the demo tenant's workstation has it: clouds-demo.yaml,
    where site-a and site-b are user demo (the spec's clouds.yaml)."""
    return _runner(config.tenant_clouds_yaml())


@pytest.fixture(scope="session")
def registered_sites(openstack: Openstack) -> Iterator[dict[str, dict[str, Any]]]:
    """Hook for the DR tests of later issues: both sites registered on both
    protectors; maps cloud -> {site name -> site record}."""
    yield {site.cloud: register_sites(openstack, site.cloud) for site in SITES}
