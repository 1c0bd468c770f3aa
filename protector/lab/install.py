"""The lab's own venv: OpenStack 2026.1 from PyPI under OpenStack's
upper-constraints, plus the lab plugins (protector/lab/plugins) on its path.

The venv is reused between runs: a stamp file lists what was installed, and
pip runs only when a service asks for something not yet there.
"""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import time
from collections.abc import Callable
from pathlib import Path

from protector.lab import config
from protector.lab.procs import LabError

PLUGINS = Path(__file__).resolve().parent / "plugins"
STAMP = ".protector-lab-installed"
DIST_INFO = "protector_lab_plugins-1.0.dist-info"
# The ML2 driver is found through stevedore, i.e. an entry point.
ENTRY_POINTS = """[neutron.ml2.mechanism_drivers]
protector_lab = protector_lab_ml2:LabBindDriver
"""


def requirements(services: list[str]) -> list[str]:
    reqs = [config.PINS[s] for s in services if s in config.PINS]
    if not reqs:
        return []
    if services == ["keystone"]:
        return [*reqs, "gunicorn", "PyMySQL"]
    return [*reqs, *config.COMMON_REQUIREMENTS]


def _site_packages(venv: Path) -> Path:
    found = sorted(venv.glob("lib/python3*/site-packages"))
    if not found:
        raise LabError(f"no site-packages in {venv}")
    return found[0]


def _installed(venv: Path) -> set[str]:
    try:
        return set((venv / STAMP).read_text().split())
    except OSError:
        return set()


def _base_python() -> str:
    # A venv made from inside another venv must start from the real interpreter.
    return getattr(sys, "_base_executable", None) or sysconfig.get_config_var(
        "BINDIR") + "/python3"


def ensure(services: list[str], log: Callable[[str], object] = print) -> float:
    """Install what ``services`` need; returns the seconds spent (0 when reused)."""
    venv = config.venv_dir()
    wanted = requirements(services)
    started = time.monotonic()
    if not (venv / "bin" / "python").exists():
        log(f"creating the lab venv {venv}")
        venv.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([_base_python(), "-m", "venv", str(venv)], check=True)
    have = _installed(venv)
    missing = [r for r in wanted if r not in have]
    if missing:
        reqs = sorted(have | set(wanted))
        log(f"pip install into the lab venv: {' '.join(missing)} (takes a minute or two)")
        constraints = config.constraints_file()
        logfile = config.lab_dir() / "pip.log"
        logfile.parent.mkdir(parents=True, exist_ok=True)
        with open(logfile, "ab") as out:
            proc = subprocess.run(
                [str(venv / "bin" / "pip"), "install", "-q", "--disable-pip-version-check",
                 "-c", str(constraints), *reqs], stdout=out, stderr=subprocess.STDOUT,
                check=False)
        if proc.returncode != 0:
            tail = "\n".join(logfile.read_text(errors="replace").splitlines()[-20:])
            raise LabError(f"pip install into {venv} failed; see {logfile}:\n{tail}")
        (venv / STAMP).write_text("\n".join(reqs) + "\n")
    _link_plugins(venv)
    return time.monotonic() - started if missing else 0.0


def _link_plugins(venv: Path) -> None:
    """Rewritten on every `up`: the repo may have moved (CI clones afresh). Nova
    loads compute drivers from nova.virt only, hence a shim module there."""
    site = _site_packages(venv)
    pth = site / "protector_lab_plugins.pth"
    if not pth.exists() or pth.read_text().strip() != str(PLUGINS):
        pth.write_text(f"{PLUGINS}\n")
    nova_virt = site / "nova" / "virt"
    if nova_virt.is_dir():
        shim = nova_virt / "protector_lab.py"
        text = "from protector_lab_nova import LabFakeDriver  # noqa: F401 - written by the lab\n"
        if not shim.exists() or shim.read_text() != text:
            shim.write_text(text)
    dist = site / DIST_INFO
    if (dist / "entry_points.txt").exists() and (dist / "entry_points.txt").read_text() == \
            ENTRY_POINTS:
        return
    dist.mkdir(exist_ok=True)
    (dist / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: protector-lab-plugins\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text(ENTRY_POINTS)
    (dist / "RECORD").write_text("")
    (dist / "top_level.txt").write_text("protector_lab_ml2\nprotector_lab_cinder\n")
