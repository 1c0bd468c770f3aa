"""protector-engine over the machine's RabbitMQ: it starts from a config file,
answers RPC, and stops cleanly on SIGTERM."""

import os
import signal
import subprocess
import sys
import time
import uuid

import pytest

from protector import context, rpc
from protector.engine import rpcapi

TRANSPORT = os.environ.get("PROTECTOR_TEST_TRANSPORT_URL",
                           "rabbit://guest:guest@127.0.0.1:5672/")


@pytest.fixture
def engine_process(conf, tmp_path):
    topic = f"protector-engine-test-{uuid.uuid4().hex[:8]}"
    cfg_file = tmp_path / "protector.conf"
    cfg_file.write_text(
        f"[DEFAULT]\nlog_dir = {tmp_path}\nstate_path = {tmp_path}\n"
        f"transport_url = {TRANSPORT}\nhost = engine-test\n"
        f"[engine]\ntopic = {topic}\n"
        f"[database]\nconnection = sqlite:///{tmp_path}/p.sqlite\n")
    proc = subprocess.Popen(
        [os.path.join(os.path.dirname(sys.executable), "protector-engine"),
         "--config-file", str(cfg_file)], stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True)
    conf.set_override("transport_url", TRANSPORT)
    conf.set_override("topic", topic, group="engine")
    rpc.cleanup()
    yield proc, tmp_path
    if proc.poll() is None:
        proc.kill()
        proc.wait()
    rpc.cleanup()
    conf.clear_override("transport_url")
    conf.clear_override("topic", group="engine")


def _ping_until_up(deadline: float) -> dict:
    api = rpcapi.EngineAPI()
    last = None
    while time.monotonic() < deadline:
        try:
            return api.ping(context.get_admin_context(), timeout=3)
        except Exception as exc:  # noqa: BLE001 - retried until the engine is up
            last = exc
    raise AssertionError(f"engine never answered: {last}")


def test_engine_answers_rpc_and_stops_on_sigterm(engine_process):
    proc, tmp_path = engine_process
    answer = _ping_until_up(time.monotonic() + 60)
    assert answer["host"] == "engine-test"
    assert (tmp_path / "protector-engine.log").exists()
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 0 or proc.returncode == -signal.SIGTERM
    assert "eventlet" not in (tmp_path / "protector-engine.log").read_text().lower()
