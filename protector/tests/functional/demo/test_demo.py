"""The README's main command, protector-demo, run as a user runs it: the
whole drill ends, every operation completed with a report, and nothing it
started is left running."""

import os
import re
import signal
import subprocess
import sys
import time

import pytest

BIN = os.path.dirname(sys.executable)
OPERATIONS = ["test failover", "test cleanup", "planned failover", "reprotect", "failback",
              "unplanned failover", "reprotect after disaster", "failback after disaster"]


def _processes() -> dict[int, tuple[str, int]]:
    """Live processes: pid -> (command line, session id)."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                cmdline = f.read().decode(errors="replace")
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z":
            found[int(entry)] = (cmdline, int(fields[3]))
    return found


def _children_of_demo(workdir: str) -> list[int]:
    """Processes started with a config file of the demo's work directory."""
    return sorted(pid for pid, (cmdline, _) in _processes().items() if workdir in cmdline)


def test_the_drill_runs_to_the_end_and_leaves_nothing(tmp_path):
    workdir = str(tmp_path / "demo")
    out = subprocess.run(
        [os.path.join(BIN, "protector-demo"), "--vms", "2", "--scale", "0.3",
         "--workdir", workdir], capture_output=True, text=True, timeout=600,
        env={**os.environ, "COLUMNS": "160"})
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]
    for label in OPERATIONS:
        assert re.search(rf"completed {label} on site-\w: \d+ steps, RTO [\d.]+ s",
                         out.stdout), (label, out.stdout[-3000:])
    assert "sync-force: IN_SYNC" in out.stdout
    reports = sorted(os.listdir(os.path.join(workdir, "reports")))
    assert len(reports) == len(OPERATIONS)
    for name in reports:
        page = open(os.path.join(workdir, "reports", name), encoding="utf-8").read()
        assert page.startswith("<!DOCTYPE html>") and 'id="timeline"' in page
    assert "everything stopped" in out.stdout
    assert _children_of_demo(workdir) == []


def test_ctrl_c_stops_everything(tmp_path):
    workdir = str(tmp_path / "demo")
    proc = subprocess.Popen(
        [os.path.join(BIN, "protector-demo"), "--vms", "2", "--workdir", workdir],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 120
        seen = ""
        while "protect members" not in seen and "protected on site-a" not in seen:
            line = proc.stdout.readline()
            if not line:
                break
            seen += line
            if time.monotonic() > deadline:
                pytest.fail("the demo did not reach the protect step: " + seen)
        # Each service leads a session of its own; its workers join it.
        sessions = {int(p) for pair in re.findall(r"pids (\d+, \d+)", seen)
                    for p in pair.split(", ")}
        assert len(sessions) == 4, seen  # two APIs and two engines
        live = {sid for _, sid in _processes().values()}
        assert sessions <= live
        proc.send_signal(signal.SIGINT)
        rest, _ = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:  # a failed check above: still stop what it started
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=120)
            except subprocess.TimeoutExpired:
                proc.kill()
    assert "interrupted" in rest and "everything stopped" in rest
    assert proc.returncode == 1
    assert _children_of_demo(workdir) == []
    assert [pid for pid, (_, sid) in _processes().items() if sid in sessions] == []


def test_lab_option_needs_the_lab(tmp_path):
    """``--lab`` with no lab up says what is missing and how to start it."""
    env = {**os.environ, "PROTECTOR_LAB_DIR": str(tmp_path / "no-lab")}
    proc = subprocess.run([os.path.join(BIN, "protector-demo"), "--lab"], env=env,
                          capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    out = " ".join(proc.stdout.split())
    assert "the lab is not up (no " in out and "clouds.yaml" in out
    assert "protector-lab up" in out
    assert "Traceback" not in proc.stdout + proc.stderr


def test_dashboard_option_needs_the_lab(tmp_path):
    """``--dashboard`` logs in through Keystone: without ``--lab`` it is refused,
    and with no lab up it says how to start one, before starting anything."""
    env = {**os.environ, "PROTECTOR_LAB_DIR": str(tmp_path / "no-lab")}
    demo = os.path.join(BIN, "protector-demo")
    proc = subprocess.run([demo, "--dashboard"], env=env, capture_output=True, text=True,
                          timeout=60, check=False)
    assert proc.returncode == 2 and "--dashboard needs --lab" in proc.stderr
    proc = subprocess.run([demo, "--lab", "--dashboard"], env=env, capture_output=True,
                          text=True, timeout=60, check=False)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "protector-lab up" in " ".join(proc.stdout.split())
    assert "Traceback" not in proc.stdout + proc.stderr
