"""Two protector-api processes (two sites, two databases) syncing over HTTP.

Both run noauth with protector_url on their site records, so the real peer
client, the real import endpoints and gunicorn are all in the path; only
Keystone is out of it (the Keystone-backed variant is in the integration
tier).
"""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
import requests

from protector.tests import fixtures

BIN = os.path.dirname(sys.executable)
PROJECT_A = "a1" + "0" * 30
PROJECT_B = "b1" + "0" * 30
ADMIN = {"X-Auth-Token": "admin-user:admin:admin,member",
         "OpenStack-API-Version": "protector 1.2"}
OWNER = {"X-Auth-Token": f"owner:{PROJECT_A}:member", "OpenStack-API-Version": "protector 1.2"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Site:
    def __init__(self, name: str, tmp_path, port: int) -> None:
        self.name = name
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.dir = tmp_path / name
        self.dir.mkdir()
        self.conf = self.dir / "protector.conf"
        self.conf.write_text(
            f"[DEFAULT]\nlog_dir = {self.dir}\nstate_path = {self.dir}\nsite_name = {name}\n"
            f"[api]\nbind_host = 127.0.0.1\nbind_port = {port}\nworkers = 1\n"
            f"graceful_timeout = 2\nauth_strategy = noauth\n"
            f"api_paste_config = {os.path.abspath(fixtures.PASTE_INI)}\n"
            f"[database]\nconnection = sqlite:///{self.dir}/protector.sqlite\n"
            f"[peer]\ntimeout = 3\nretries = 0\nreachability_cache_seconds = 0\n")
        subprocess.run([os.path.join(BIN, "protector-manage"), "--config-file",
                        str(self.conf), "db", "sync"], check=True, capture_output=True)
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen([os.path.join(BIN, "protector-api"), "--config-file",
                                      str(self.conf)], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                requests.get(self.url, timeout=1)
                return
            except requests.ConnectionError:
                time.sleep(0.2)
        raise AssertionError(f"{self.name} did not start")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=30)

    def call(self, method: str, path: str, headers=ADMIN, **kw) -> requests.Response:
        return requests.request(method, f"{self.url}/v1{path}", headers=headers, timeout=15,
                                **kw)


@pytest.fixture
def two_sites(tmp_path) -> Iterator[tuple[Site, Site]]:
    a = Site("site-a", tmp_path, _free_port())
    b = Site("site-b", tmp_path, _free_port())
    try:
        a.start()
        b.start()
        for site in (a, b):
            for other in (a, b):
                resp = site.call("POST", "/admin/sites", json={
                    "name": other.name, "site_type": "primary" if other is a else "secondary",
                    "auth_url": f"http://127.0.0.{1 if other is a else 2}:5000/v3",
                    "protector_url": other.url})
                assert resp.status_code == 201, resp.text
        resp = a.call("POST", "/admin/tenant-mappings", json={
            "local_tenant": PROJECT_A, "remote_site": "site-b", "remote_tenant": PROJECT_B,
            "description": "myproject tenant mapping"})
        assert resp.status_code == 201, resp.text
        yield a, b
    finally:
        a.stop()
        b.stop()


def test_two_sites_stay_equal(two_sites):
    a, b = two_sites
    # The mapping made on site-a exists mirrored on site-b.
    (mirror,) = b.call("GET", "/admin/tenant-mappings").json()["tenant_mappings"]
    assert (mirror["local_tenant"], mirror["remote_tenant"]) == (PROJECT_B, PROJECT_A)
    assert mirror["remote_site"] == b.call("GET", "/admin/sites/site-a").json()["site"]["id"]

    pg = a.call("POST", f"/{PROJECT_A}/protection-groups", headers=OWNER, json={
        "name": "pg1", "replication_type": "async", "volume_type": "replicated-async",
        "primary_site": "site-a", "secondary_site": "site-b"}).json()["protection_group"]
    base_a = f"/{PROJECT_A}/protection-groups/{pg['id']}"
    base_b = f"/{PROJECT_B}/protection-groups/{pg['id']}"
    assert a.call("PUT", base_a, headers=OWNER,
                  json={"description": "db tier"}).status_code == 200
    assert a.call("POST", base_a + "/members", headers=OWNER, json={
        "instance_id": "8d3c0f0e-6a43-4e8f-9f7e-3b1b7a1d2c40"}).status_code == 201

    on_b = b.call("GET", base_b).json()["protection_group"]
    assert on_b["metadata_version"] == 3 and on_b["description"] == "db tier"
    assert on_b["project_id"] == PROJECT_B and on_b["sync_status"] == "IN_SYNC"
    assert [m["instance_id"] for m in b.call("GET", base_b + "/members").json()["members"]] \
        == ["8d3c0f0e-6a43-4e8f-9f7e-3b1b7a1d2c40"]
    assert b.call("GET", base_b + "/metadata").json() == \
        a.call("GET", base_a + "/metadata").json()
    status = a.call("GET", base_a + "/sync-status", headers=OWNER).json()["sync_status"]
    assert (status["status"], status["local_version"], status["peer_version"]) == \
        ("IN_SYNC", 3, 3)

    # site-b goes away: every change on site-a is refused and nothing changes.
    b.stop()
    resp = a.call("PUT", base_a, headers=OWNER, json={"description": "while b is down"})
    assert resp.status_code == 503
    assert "site-b is unreachable" in resp.json()["error"]["message"]
    assert "sync-force" in resp.json()["error"]["message"]
    assert a.call("GET", base_a).json()["protection_group"]["metadata_version"] == 3
    status = a.call("GET", base_a + "/sync-status", headers=OWNER).json()["sync_status"]
    assert status["status"] == "UNREACHABLE"

    # site-b returns: sync-force brings both to one version, IN_SYNC.
    b.start()
    forced = a.call("POST", base_a + "/sync-force", headers=OWNER).json()["sync_status"]
    assert forced["status"] == "IN_SYNC"
    assert forced["local_version"] == forced["peer_version"] == 4
    assert b.call("GET", base_b).json()["protection_group"]["metadata_version"] == 4
    assert a.call("PUT", base_a, headers=OWNER, json={"description": "again"}).status_code \
        == 200
    assert b.call("GET", base_b).json()["protection_group"]["description"] == "again"

    # Removing the member, then deleting on site-a, deletes on site-b.
    member = "8d3c0f0e-6a43-4e8f-9f7e-3b1b7a1d2c40"
    assert a.call("DELETE", f"{base_a}/members/{member}", headers=OWNER).status_code == 204
    assert b.call("GET", base_b + "/members").json()["members"] == []
    assert a.call("DELETE", base_a, headers=OWNER).status_code == 204
    assert b.call("GET", base_b).status_code == 404
