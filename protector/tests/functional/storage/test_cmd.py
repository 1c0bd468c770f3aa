"""The standalone ``protector-flasharray-sim`` process."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from pypureclient import flasharray
from pypureclient.configuration import Configuration

from protector.storage.simulator import DEFAULT_API_TOKEN
from protector.storage.simulator.cmd import main
from protector.tests.functional.storage.helpers import ok

REPO_ROOT = Path(__file__).resolve().parents[4]


def _read_banner(proc: subprocess.Popen, count: int) -> dict[str, str]:
    listening: dict[str, str] = {}
    assert proc.stdout is not None
    while len(listening) < count + 1:
        line = proc.stdout.readline()
        assert line, "simulator exited early"
        if m := re.match(r"(\S+) listening on https://(\S+)", line):
            listening[m.group(1)] = m.group(2)
        elif m := re.match(r"CA certificate: (\S+)", line):
            listening["ca"] = m.group(1)
    return listening


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_serves_arrays_until_signalled(tmp_path, sig):
    code = "import sys; from protector.storage.simulator.cmd import main; sys.exit(main())"
    proc = subprocess.Popen(
        [sys.executable, "-c", code,
         "--array", "site-a=127.0.0.1:0", "--array", "site-b=127.0.0.1:0",
         "--api-token", "t0ken", "--transfer-seconds", "5", "--cert-dir", str(tmp_path)],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        banner = _read_banner(proc, 2)
        assert banner["ca"] == str(tmp_path / "ca.pem")
        client = flasharray.Client(
            target=banner["site-b"], api_token="t0ken", verify_ssl=True,
            configuration=Configuration(ssl_ca_cert=banner["ca"]),
        )
        assert ok(client.get_arrays())[0].name == "site-b"
        conn = ok(client.get_array_connections())[0]
        assert (conn.name, conn.status) == ("site-a", "connected")
        proc.send_signal(sig)
        out, _ = proc.communicate(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0
    assert out.strip().endswith("stopped")


def test_rejects_malformed_array_spec(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--array", "no-port=127.0.0.1"])
    assert exc.value.code == 2
    assert "NAME=HOST:PORT" in capsys.readouterr().err


def test_rejects_duplicate_names(capsys):
    assert main(["--array", "a=127.0.0.1:0", "--array", "a=127.0.0.1:0"]) == 2
    assert "unique" in capsys.readouterr().err


def test_default_token_is_the_documented_one():
    assert DEFAULT_API_TOKEN == "sim-api-token"
