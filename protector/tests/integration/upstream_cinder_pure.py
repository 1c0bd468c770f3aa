"""Cinder's own Pure Storage driver, driven call by call against the simulator.

Run by ``test_cinder_pure_contract.py`` with the **lab venv's** python (it
has cinder 28.0.0 and py-pure-client from OpenStack's constraints; the
project's venv has neither cinder nor that SDK release), so this file
imports nothing from protector. Usage::

    python upstream_cinder_pure.py CONF_FILE

``CONF_FILE`` is a cinder.conf with ``[DEFAULT] enabled_backends = pure``
and a ``[pure]`` section written the way the lab writes cinder-volume's. The
driver is the upstream ``PureISCSIDriver``, unmodified; only what it reads
from Cinder's database (volume types and their extra specs) is answered from
a dict here, because there is no Cinder database in this process.

Each step prints one JSON line ``{"step": ..., "ok": ..., ...}``. Every step
checks what the array now holds through its own SDK client, so a simulator
answer the driver accepts but gets wrong still fails. Exit status 0 only if
every step passed.
"""

from __future__ import annotations

import json
import sys
import time
import traceback
import uuid
from typing import Any

from cinder import context, objects
from cinder.objects import fields
from oslo_config import cfg

objects.register_all()

from cinder.volume import configuration, volume_types  # noqa: E402
from cinder.volume.drivers import pure  # noqa: E402
from pypureclient import flasharray  # noqa: E402

GiB = 1024**3
TYPES = {
    "plain": {},
    "replicated-async": {"replication_enabled": "<is> True",
                         "replication_type": "<in> async"},
    "replicated-sync": {"replication_enabled": "<is> True",
                        "replication_type": "<in> sync"},
}
TYPE_IDS = {name: str(uuid.uuid5(uuid.NAMESPACE_URL, name)) for name in TYPES}
NAME_OF = {v: k for k, v in TYPE_IDS.items()}
CONNECTOR = {"initiator": "iqn.1993-08.org.debian:01:lab-compute-a", "host": "compute-a",
             "ip": "127.0.0.1", "multipath": False, "platform": "x86_64",
             "os_type": "linux"}

RESULTS: list[dict] = []


def _db_type(ctxt: Any, type_id: str, *args: Any, **kwargs: Any) -> dict:
    name = NAME_OF[type_id]
    return {"id": type_id, "name": name, "extra_specs": dict(TYPES[name]),
            "qos_specs_id": None, "is_public": True, "description": None}


def _db_extra_specs(type_id: str, *args: Any, **kwargs: Any) -> dict:
    return dict(TYPES[NAME_OF[type_id]])


# Cinder's database answers, nothing else: the driver reads volume types
# and (to tag an attached volume) the volume itself from it.
volume_types.get_volume_type = _db_type
volume_types.get_volume_type_extra_specs = _db_extra_specs
VOLUMES: dict[str, Any] = {}
objects.Volume.get_by_id = classmethod(lambda cls, ctxt, vol_id, *a, **kw: VOLUMES[vol_id])


def step(name: str):
    def wrap(fn):
        def run(*args: Any, **kwargs: Any) -> Any:
            try:
                detail = fn(*args, **kwargs)
            except Exception as exc:  # the step failed: say how, go on
                RESULTS.append({"step": name, "ok": False, "error": repr(exc),
                                "trace": traceback.format_exc(limit=8)})
                print(json.dumps(RESULTS[-1]), flush=True)
                return None
            RESULTS.append({"step": name, "ok": True, "detail": detail})
            print(json.dumps({"step": name, "ok": True}), flush=True)
            return detail
        return run
    return wrap


def expect(cond: bool, what: str) -> None:
    if not cond:
        raise AssertionError(what)


class Contract:
    def __init__(self, conf_file: str) -> None:
        cfg.CONF(["--config-file", conf_file], project="cinder")
        self.conf = configuration.Configuration(pure.PURE_OPTS, config_group="pure")
        self.ctxt = context.get_admin_context()
        self.driver = pure.PureISCSIDriver(configuration=self.conf)
        devices = self.conf.safe_get("replication_device") or []
        if len(devices) != 1:
            raise SystemExit("the contract needs exactly one replication_device")
        self.device = devices[0]
        self.peer_ip = self.device["san_ip"]
        # type:sync stretches cinder-pod and also sets up cinder-group;
        # type:async only cinder-group.
        self.sync = self.device.get("type") == "sync"
        self.token = self.conf.pure_api_token

    # -- helpers ------------------------------------------------------------
    def client(self, san_ip: str) -> Any:
        from pypureclient.configuration import Configuration

        return flasharray.Client(target=san_ip, api_token=self.token, verify_ssl=True,
                                 configuration=Configuration(
                                     ssl_ca_cert=self.conf.driver_ssl_cert_path))

    def volume(self, vtype: str, size: int = 1, **kw: Any) -> Any:
        # Built directly: cinder.tests.unit's fakes would monkey-patch eventlet in.
        vt = objects.VolumeType(self.ctxt, id=TYPE_IDS[vtype], name=vtype,
                                extra_specs=dict(TYPES[vtype]), is_public=True,
                                qos_specs_id=None, description=None)
        vol = objects.Volume(self.ctxt, id=str(uuid.uuid4()), size=size,
                             volume_type_id=TYPE_IDS[vtype], volume_type=vt,
                             project_id="contract-project", display_name="contract",
                             metadata={}, provider_id=None, replication_status=None, _name_id=None,
                             status="available", attach_status="detached",
                             multiattach=False, group_id=None, consistencygroup_id=None,
                             volume_attachment=objects.VolumeAttachmentList(objects=[]),
                             bootable=False, **kw)
        VOLUMES[vol.id] = vol
        return vol

    def snapshot(self, vol: Any) -> Any:
        return objects.Snapshot(self.ctxt, id=str(uuid.uuid4()), volume_id=vol.id,
                                volume_size=vol.size, volume=vol, metadata={},
                                group_snapshot_id=None, cgsnapshot_id=None,
                                project_id=vol.project_id, display_name="contract")

    def names(self, array: Any, **kw: Any) -> set[str]:
        res = array.get_volumes(**kw)
        return {v.name for v in res.items} if res.status_code == 200 else set()

    # -- the steps ----------------------------------------------------------
    @step("do_setup")
    def setup(self) -> dict:
        self.driver.do_setup(self.ctxt)
        self.driver.check_for_setup_error()
        self.a = self.client(self.conf.san_ip)
        self.a_name = self.driver._array.array_name
        self.b = self.client(self.peer_ip)
        pg = list(self.a.get_protection_groups(names=["cinder-group"]).items)[0]
        expect(pg.replication_schedule.enabled, "cinder-group's schedule is not enabled")
        expect(pg.replication_schedule.frequency == 3600 * 1000,
               f"schedule frequency {pg.replication_schedule.frequency} is not 3600000 ms")
        targets = list(self.a.get_protection_groups_targets(group_names=["cinder-group"]).items)
        expect([t.allowed for t in targets] == [True], f"targets {targets}")
        if self.sync:
            pod = list(self.a.get_pods(names=["cinder-pod"]).items)[0]
            expect(len(pod.arrays) == 2, f"cinder-pod is on {len(pod.arrays)} array(s)")
        return {"array": self.driver._array.array_name}

    @step("get_volume_stats")
    def stats(self) -> dict:
        stats = self.driver.get_volume_stats(refresh=True)
        expect(stats["volume_backend_name"] == self.conf.volume_backend_name,
               f"backend name {stats['volume_backend_name']}")
        expect(stats["replication_enabled"] is True, "replication is not enabled")
        expect(stats["total_capacity_gb"] > 0, f"total {stats['total_capacity_gb']}")
        pool = stats.get("pools", [stats])[0] if stats.get("pools") else stats
        repl = list(pool.get("replication_type") or stats.get("replication_type"))
        want = ["async", "sync"] if self.sync else ["async"]
        expect(repl == want, f"replication_type {repl}, expected {want}")
        return {k: stats[k] for k in ("total_capacity_gb", "free_capacity_gb",
                                      "replication_enabled")}

    @step("create_volume (plain, async, sync)")
    def create(self) -> dict:
        self.plain = self.volume("plain", 2)
        self.asyncv = self.volume("replicated-async", 1)
        self.syncv = self.volume("replicated-sync", 1) if self.sync else None
        out = {}
        for vol in (v for v in (self.plain, self.asyncv, self.syncv) if v is not None):
            update = self.driver.create_volume(vol)
            vol.provider_id = update["provider_id"]
            out[vol.id] = update
        expect(f"volume-{self.plain.id}-cinder" in self.names(self.a), "plain volume missing")
        groups = [m.group.name for m in self.a.get_protection_groups_volumes(
            member_names=[self.asyncv.provider_id]).items]
        expect(groups == ["cinder-group"], f"async volume is in {groups}")
        expect(out[self.asyncv.id]["replication_status"] == fields.ReplicationStatus.ENABLED,
               "async volume replication_status")
        if self.syncv is not None:
            expect(self.syncv.provider_id == f"cinder-pod::volume-{self.syncv.id}-cinder",
                   f"sync volume named {self.syncv.provider_id}")
            # A stretched pod's volume is on both arrays at once.
            expect(self.syncv.provider_id in self.names(self.b),
                   "sync volume not on the peer")
        return {"names": [v.provider_id for v in (self.plain, self.asyncv, self.syncv) if v]}

    @step("extend_volume")
    def extend(self) -> dict:
        self.driver.extend_volume(self.plain, 3)
        vol = list(self.a.get_volumes(names=[self.plain.provider_id]).items)[0]
        expect(vol.provisioned == 3 * GiB, f"provisioned {vol.provisioned}")
        self.plain.size = 3
        return {"provisioned": vol.provisioned}

    @step("create_snapshot, create_volume_from_snapshot, delete_snapshot")
    def snapshots(self) -> dict:
        snap = self.snapshot(self.asyncv)
        self.driver.create_snapshot(snap)
        snap_name = self.driver._get_snap_name(snap)
        have = {s.name for s in self.a.get_volume_snapshots(
            source_names=[self.asyncv.provider_id]).items}
        expect(snap_name in have, f"snapshot {snap_name} not in {have}")
        self.from_snap = self.volume("replicated-async", 2)
        update = self.driver.create_volume_from_snapshot(self.from_snap, snap)
        self.from_snap.provider_id = update["provider_id"]
        vol = list(self.a.get_volumes(names=[self.from_snap.provider_id]).items)[0]
        expect(vol.provisioned == 2 * GiB, f"from-snapshot volume is {vol.provisioned} B")
        self.driver.delete_snapshot(snap)
        left = {s.name for s in self.a.get_volume_snapshots(
            source_names=[self.asyncv.provider_id], destroyed=False).items}
        expect(snap_name not in left, "snapshot still there after delete")
        return {"snapshot": snap_name}

    @step("create_cloned_volume")
    def clone(self) -> dict:
        self.clonev = self.volume("plain", 3)
        update = self.driver.create_cloned_volume(self.clonev, self.plain)
        self.clonev.provider_id = update["provider_id"]
        expect(self.clonev.provider_id in self.names(self.a), "clone missing")
        return {"clone": self.clonev.provider_id}

    @step("initialize_connection, terminate_connection (iSCSI)")
    def connection(self) -> dict:
        info = self.driver.initialize_connection(self.asyncv, CONNECTOR)
        expect(info["driver_volume_type"] == "iscsi", f"type {info['driver_volume_type']}")
        data = info["data"]
        expect(data.get("target_iqns") and data["target_iqns"][0].startswith("iqn.")
               and data.get("target_portals") and data.get("target_luns"),
               f"connection data {data}")
        conns = list(self.a.get_connections(volume_names=[self.asyncv.provider_id]).items)
        expect(len(conns) == 1, f"{len(conns)} host connection(s)")
        hosts = list(self.a.get_hosts().items)
        expect(any(CONNECTOR["initiator"] in (h.iqns or []) for h in hosts),
               "no host with the connector's IQN")
        self.driver.terminate_connection(self.asyncv, CONNECTOR)
        res = self.a.get_connections(volume_names=[self.asyncv.provider_id])
        left = list(res.items) if res.status_code == 200 else []
        expect(not left, f"connections left: {left}")
        return {"portals": data["target_portals"]}

    @step("manage_existing_get_size, manage_existing, unmanage")
    def manage(self) -> dict:
        # A neutral copy, as protector makes on a DR array before Cinder adopts it.
        self.a.post_volumes(names=["pr-contract-copy"],
                            volume=flasharray.VolumePost(provisioned=5 * GiB))
        ref = {"source-name": "pr-contract-copy"}
        managed = self.volume("replicated-async", 1)
        size = self.driver.manage_existing_get_size(managed, ref)
        expect(size == 5, f"size {size}")
        managed.size = size
        update = self.driver.manage_existing(managed, ref)
        managed.provider_id = update.get("provider_id") or f"volume-{managed.id}-cinder"
        names = self.names(self.a)
        expect(f"volume-{managed.id}-cinder" in names and "pr-contract-copy" not in names,
               "manage did not rename the copy to Cinder's name")
        groups = [m.group.name for m in self.a.get_protection_groups_volumes(
            member_names=[f"volume-{managed.id}-cinder"]).items]
        expect(groups == ["cinder-group"], f"managed async volume is in {groups}")
        refused = None
        if self.syncv is not None:
            # A volume in a stretched pod is refused (the driver's own rule).
            try:
                self.driver.manage_existing_get_size(self.volume("plain"),
                                                     {"source-name": self.syncv.provider_id})
            except Exception as exc:
                refused = type(exc).__name__
            expect(refused is not None, "a stretched pod's volume was accepted for manage")
        self.driver.unmanage(managed)
        expect(f"volume-{managed.id}-cinder-unmanaged" in self.names(self.a),
               "unmanage did not rename to -unmanaged")
        self.a.patch_volumes(names=[f"volume-{managed.id}-cinder-unmanaged"],
                             volume=flasharray.VolumePatch(destroyed=True))
        self.a.delete_volumes(names=[f"volume-{managed.id}-cinder-unmanaged"])
        return {"size": size, "refused_pod_volume": refused}

    @step("failover_host to the peer, then failback")
    def failover(self) -> dict:
        # An async failover needs a transferred cinder-group snapshot on the peer.
        self.a.post_protection_group_snapshots(source_names=["cinder-group"],
                                               replicate_now=True)
        replica = f"{self.driver._array.array_name}:cinder-group"
        deadline = time.monotonic() + 60
        while not [t for t in self.b.get_protection_group_snapshots_transfer(
                names=[replica], destroyed=False).items if t.progress == 1.0]:
            expect(time.monotonic() < deadline, "the snapshot never reached the peer")
            time.sleep(0.5)
        vols = [v for v in (self.asyncv, self.syncv) if v is not None]
        for v in vols:
            v.replication_status = fields.ReplicationStatus.ENABLED
        active, updates, _ = self.driver.failover_host(self.ctxt, vols,
                                                       secondary_id=self.device["backend_id"])
        try:
            expect(active == self.device["backend_id"], f"active backend {active}")
            got = {u["volume_id"]: u["updates"] for u in updates}
            if self.sync:
                # The driver's sync failover: pod volumes stay, the rest go to error.
                expect(got.get(self.syncv.id) == {"replication_status": "failed-over"},
                       f"sync volume after failover: {got}")
                expect(got.get(self.asyncv.id) == {"status": "error"},
                       f"async volume after a sync failover: {got}")
            else:
                # The async failover: the volume is made on the peer from the replica.
                expect(got.get(self.asyncv.id) == {"replication_status": "failed-over"},
                       f"async volume after failover: {got}")
                expect(self.asyncv.provider_id in self.names(self.b),
                       "async volume not made on the peer from the replica")
            stats = self.driver.get_volume_stats(refresh=True)
            expect(stats["total_capacity_gb"] > 0, "no stats from the peer after failover")
        finally:
            back, updates, _ = self.driver.failover_host(self.ctxt, vols,
                                                         secondary_id="default")
        expect(back == "default", f"failback answered {back}")
        expect(self.driver._array.array_name == self.a_name, "failback left the peer active")
        if not self.sync:
            # What the async failover made on the peer is Cinder's no more.
            made = self.asyncv.provider_id
            self.b.patch_volumes(names=[made], volume=flasharray.VolumePatch(destroyed=True))
            self.b.delete_volumes(names=[made])
        return {"active": active}

    @step("delete_volume (all)")
    def delete(self) -> dict:
        for vol in (self.plain, self.asyncv, self.syncv, self.from_snap, self.clonev):
            if vol is not None and vol.provider_id:
                self.driver.delete_volume(vol)
        left = self.names(self.a, destroyed=False) - {"pr-contract-copy"}
        ours = {v.provider_id for v in (self.plain, self.asyncv, self.syncv, self.from_snap,
                                        self.clonev) if v is not None}
        expect(not (left & ours), f"left on the array: {sorted(left & ours)}")
        erad = self.names(self.a, destroyed=True)
        expect(not (erad & ours), f"destroyed, not eradicated: {sorted(erad & ours)}")
        return {"left": sorted(left)}


def main(argv: list[str]) -> int:
    contract = Contract(argv[1])
    contract.plain = contract.asyncv = contract.syncv = None
    contract.from_snap = contract.clonev = None
    if contract.setup() is None:
        return 1
    for run in (contract.stats, contract.create, contract.extend, contract.snapshots,
                contract.clone, contract.connection, contract.manage, contract.failover,
                contract.delete):
        run()
    failed = [r["step"] for r in RESULTS if not r["ok"]]
    print(json.dumps({"summary": True, "passed": len(RESULTS) - len(failed),
                      "failed": failed}), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
