"""Start, find, measure and stop the lab's processes.

Each process is started as the leader of a new session, so it and every
worker it forks share one process group: stopping and measuring work on the
group. The pid file holds the pid and its start time (/proc/<pid>/stat field
22), so a recycled pid is never mistaken for ours.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from protector.lab import config
from protector.lab.config import Site


class LabError(RuntimeError):
    """A lab step failed; the message says which and where its log is."""


@dataclass(frozen=True)
class Running:
    site: str
    name: str
    pid: int
    pids: tuple[int, ...]  # the whole process group


def _stat_fields(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # comm (field 2) may hold spaces; everything after its ')' is space-separated.
    return raw[raw.rindex(")") + 2:].split()


def start_time(pid: int) -> str | None:
    fields = _stat_fields(pid)
    if fields is None or fields[0] == "Z":
        return None
    return fields[19]  # field 22 of stat; fields[0] is field 3


def group_pids(pgid: int) -> list[int]:
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        fields = _stat_fields(int(entry))
        if fields and fields[0] != "Z" and int(fields[2]) == pgid:
            pids.append(int(entry))
    return sorted(pids)


def pid_file(site: Site, name: str) -> Path:
    return site.run_dir / f"{name}.pid"


def running(site: Site, name: str) -> int | None:
    """The pid of our process ``name`` on ``site`` if it still runs."""
    path = pid_file(site, name)
    try:
        pid_s, started = path.read_text().split()
    except (OSError, ValueError):
        return None
    pid = int(pid_s)
    return pid if start_time(pid) == started else None


def started_at(pid: int) -> float:
    """Wall-clock start of ``pid``: boot time plus its start in clock ticks."""
    btime = next(int(line.split()[1]) for line in Path("/proc/stat").read_text().splitlines()
                 if line.startswith("btime "))
    return btime + int(start_time(pid) or 0) / os.sysconf("SC_CLK_TCK")


def start(site: Site, name: str, argv: Sequence[str], log: Path,
          env: Mapping[str, str] | None = None, cwd: Path | None = None,
          configs: Sequence[Path] = ()) -> int:
    """Start ``argv`` detached unless it already runs; returns its pid. A running
    one is restarted when one of its ``configs`` changed after it started."""
    pid = running(site, name)
    if pid:
        born = started_at(pid)
        if not any(c.exists() and c.stat().st_mtime > born + 1 for c in configs):
            return pid
        stop(site, name)
    log.parent.mkdir(parents=True, exist_ok=True)
    site.run_dir.mkdir(parents=True, exist_ok=True)
    full_env = {**os.environ, **(env or {})}
    with open(log, "ab") as out:
        proc = subprocess.Popen(list(argv), stdin=subprocess.DEVNULL, stdout=out,
                                stderr=subprocess.STDOUT, env=full_env,
                                cwd=str(cwd or site.dir), start_new_session=True)
    started = None
    for _ in range(100):  # /proc/<pid>/stat appears at once; be patient anyway
        started = start_time(proc.pid)
        if started:
            break
        time.sleep(0.01)
    pid_file(site, name).write_text(f"{proc.pid} {started}\n")
    return proc.pid


def stop(site: Site, name: str, timeout: float = 15.0) -> bool:
    """SIGTERM the process group, SIGKILL what is left after ``timeout``."""
    pid = running(site, name)
    path = pid_file(site, name)
    if pid is None:
        path.unlink(missing_ok=True)
        return False
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            break
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline and group_pids(pid):
            _reap()
            time.sleep(0.2)
        if not group_pids(pid):
            break
    path.unlink(missing_ok=True)
    return True


def _reap() -> None:
    """Collect children that exited, so they do not linger as zombies."""
    try:
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass
    except ChildProcessError:
        pass


def all_running(site: Site) -> list[Running]:
    found = []
    for path in sorted(site.run_dir.glob("*.pid")):
        pid = running(site, path.stem)
        if pid:
            found.append(Running(site.name, path.stem, pid, tuple(group_pids(pid))))
    return found


def pss_kib(pids: Sequence[int]) -> int:
    """Proportional set size of ``pids`` (shared pages split between users);
    falls back to RSS where smaps_rollup cannot be read."""
    total = 0
    for pid in pids:
        try:
            text = Path(f"/proc/{pid}/smaps_rollup").read_text()
            key = "Pss:"
        except OSError:
            try:
                text = Path(f"/proc/{pid}/status").read_text()
                key = "VmRSS:"
            except OSError:
                continue
        for line in text.splitlines():
            if line.startswith(key):
                total += int(line.split()[1])
                break
    return total


def log_tail(log: Path, lines: int = 25) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def wait_http(url: str, site: Site, name: str, log: Path, timeout: float = 90.0) -> None:
    """Wait until ``url`` answers with any HTTP status (401 counts: it is up)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except urllib.error.HTTPError:
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            pass
        if running(site, name) is None:
            _reap()
            raise LabError(f"{name} on site {site.name} exited; last lines of {log}:\n"
                           + log_tail(log))
        time.sleep(0.3)
    raise LabError(f"{name} on site {site.name} did not answer {url} within {timeout:.0f}s; "
                   f"see {log}:\n" + log_tail(log))


def run(argv: Sequence[str], log: Path, env: Mapping[str, str] | None = None,
        timeout: float = 600.0, what: str | None = None, ok: Sequence[int] = (0,)) -> None:
    """Run a one-shot command (db sync and the like), its output appended to ``log``."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "ab") as out:
        out.write(f"\n$ {' '.join(argv)}\n".encode())
        out.flush()
        try:
            proc = subprocess.run(list(argv), stdin=subprocess.DEVNULL, stdout=out,
                                  stderr=subprocess.STDOUT, env={**os.environ, **(env or {})},
                                  timeout=timeout, check=False)
        except subprocess.TimeoutExpired as exc:
            raise LabError(f"{what or argv[0]} timed out after {timeout:.0f}s; see {log}") from exc
    if proc.returncode not in ok:
        raise LabError(f"{what or ' '.join(argv[:3])} failed (exit {proc.returncode}); "
                       f"last lines of {log}:\n" + log_tail(log))


def start_wsgi(site: Site, service: str, target: str, port: int,
               argv: Sequence[str] = (), env: Mapping[str, str] | None = None,
               configs: Sequence[Path] = ()) -> Path:
    """An OpenStack API under gunicorn (1 worker, 4 threads) from the lab venv;
    returns its log. The app gets ``argv`` (see plugins/protector_lab_wsgi.py)."""
    log = site.svc_dir(service) / "log" / f"{service}-api.log"
    cmd = [config.venv_bin("gunicorn"), "--bind", f"{site.ip}:{port}", "--workers", "1",
           "--threads", "4", "--worker-class", "gthread", "--timeout", "300",
           "--graceful-timeout", "5", "--no-control-socket",
           "--name", f"lab-{site.name}-{service}", "protector_lab_wsgi:application"]
    start(site, f"{service}-api", cmd, log, env={
        **(env or {}), "PROTECTOR_LAB_WSGI_TARGET": target,
        "PROTECTOR_LAB_WSGI_ARGV": json.dumps(list(argv))}, cwd=site.svc_dir(service),
        configs=configs)
    return log


def stop_all(site: Site, names: Sequence[str], timeout: float = 10.0) -> list[str]:
    """Stop several processes at once: SIGTERM to every group, then SIGKILL what
    is still there after ``timeout`` (nova's services ignore SIGTERM for a while)."""
    groups = {name: pid for name in names if (pid := running(site, name))}
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 5.0)):
        for pid in groups.values():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, sig)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline and any(group_pids(p) for p in groups.values()):
            _reap()
            time.sleep(0.2)
    for name in names:
        pid_file(site, name).unlink(missing_ok=True)
    return list(groups)
