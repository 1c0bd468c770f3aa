"""One protector site of the demo: its protector.conf, its SQLite database,
and its protector-api and protector-engine processes.

The services are the real console scripts with a config file each, as a
deployment runs them; only the clouds (``[fake_cloud]``) and the identity
(``auth_strategy = noauth``) differ. Each process runs in a session of its
own, so a Ctrl-C reaches the demo alone and the demo stops them in order.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time

import requests

BIN = os.path.dirname(sys.executable)
PASTE_INI = os.path.join(os.path.dirname(__file__), os.pardir, os.pardir, "etc",
                         "protector", "api-paste.ini")


def free_port(host: str) -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def rabbitmq_answers(host: str = "127.0.0.1", port: int = 5672) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex((host, port)) == 0


class Site:
    """protector-api and protector-engine of one site."""

    def __init__(self, name: str, host: str, workdir: str, *, transport_url: str,
                 exchange: str, fake_cloud: str, authkey_file: str, ca_file: str,
                 max_builds: int) -> None:
        self.name, self.host = name, host
        self.dir = os.path.join(workdir, name)
        os.makedirs(self.dir, exist_ok=True)
        self.port = free_port(host)
        self.url = f"http://{host}:{self.port}"
        self.conf = os.path.join(self.dir, "protector.conf")
        # One broker for both sites here (never in a deployment): RabbitMQ
        # names topic queues by topic alone, so each site needs its own.
        broker = transport_url.startswith("rabbit")
        # Without a broker the cast is lost and the engine's sweeper finds
        # the pending operation: a short sweep keeps that wait short.
        sweep = 5 if broker else 1
        with open(self.conf, "w") as f:
            f.write(f"""[DEFAULT]
debug = False
log_dir = {self.dir}
state_path = {self.dir}
site_name = {name}
host = {name}-engine
transport_url = {transport_url}
control_exchange = {exchange}
[api]
bind_host = {host}
bind_port = {self.port}
workers = 1
graceful_timeout = 2
auth_strategy = noauth
api_paste_config = {os.path.abspath(PASTE_INI)}
[database]
connection = sqlite:///{self.dir}/protector.sqlite?timeout=60
[engine]
topic = {exchange}-engine
sweep_interval = {sweep}
lease_seconds = 10
max_concurrent_builds = {max_builds}
max_concurrent_volume_calls = {max_builds}
[storage]
ca_file = {ca_file}
poll_interval = 0.2
replicate_timeout = 120
[peer]
timeout = 5
retries = 0
reachability_cache_seconds = 0
[fake_cloud]
address = {fake_cloud}
authkey_file = {authkey_file}
""")
        self.procs: dict[str, subprocess.Popen] = {}

    def db_sync(self) -> None:
        subprocess.run([os.path.join(BIN, "protector-manage"), "--config-file", self.conf,
                        "db", "sync"], check=True, capture_output=True)
        # Two processes write this file (a deployment has MariaDB): with the
        # write-ahead log, readers no longer hold writers up.
        with contextlib.closing(sqlite3.connect(os.path.join(self.dir, "protector.sqlite"))
                                ) as db:
            db.execute("PRAGMA journal_mode=WAL")

    def start(self) -> None:
        for binary in ("protector-api", "protector-engine"):
            if binary in self.procs and self.procs[binary].poll() is None:
                continue
            log = open(os.path.join(self.dir, f"{binary}.out"), "ab")  # noqa: SIM115
            self.procs[binary] = subprocess.Popen(
                [os.path.join(BIN, binary), "--config-file", self.conf],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True)
            log.close()
        self.wait_ready()

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for binary, proc in self.procs.items():
                if proc.poll() is not None:
                    raise RuntimeError(f"{binary} of {self.name} exited with "
                                       f"{proc.returncode}; see {self.dir}/{binary}.out")
            try:
                requests.get(self.url, timeout=1)
                return
            except requests.ConnectionError:
                time.sleep(0.2)
        raise RuntimeError(f"protector-api of {self.name} did not answer at {self.url}")

    def stop(self, timeout: float = 20.0) -> None:
        """SIGTERM each process group, SIGKILL what is left after ``timeout``."""
        for proc in self.procs.values():
            if proc.poll() is None:
                _signal(proc, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for proc in self.procs.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal(proc, signal.SIGKILL)
                proc.wait(timeout=10)
        self.procs.clear()

    def running(self) -> list[int]:
        return [p.pid for p in self.procs.values() if p.poll() is None]


def _signal(proc: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        pass
