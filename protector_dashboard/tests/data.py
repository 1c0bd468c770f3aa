"""Records as protector's API returns them, for the view tests."""

import copy

SITE_A = "a1a1a1a1-0000-4000-8000-000000000001"
SITE_B = "b2b2b2b2-0000-4000-8000-000000000002"
PG_ID = "c3c3c3c3-0000-4000-8000-000000000003"
OP_ID = "d4d4d4d4-0000-4000-8000-000000000004"

SITE_NAMES = [{"id": SITE_A, "name": "site-a", "local": True},
              {"id": SITE_B, "name": "site-b", "local": False}]

SITES = [
    {"id": SITE_A, "name": "site-a", "description": "Primary datacenter",
     "site_type": "primary", "auth_url": "http://localhost/identity/v3",
     "region_name": "RegionOne", "status": "active", "interface": "public"},
    {"id": SITE_B, "name": "site-b", "description": "Secondary datacenter",
     "site_type": "secondary", "auth_url": "http://remote/identity/v3",
     "region_name": "RegionOne", "status": "unknown", "interface": "public"},
]

PG = {
    "id": PG_ID, "name": "web-tier", "description": "the shop", "project_id": "1",
    "replication_type": "async", "volume_type": "replicated-async",
    "primary_site_id": SITE_A, "secondary_site_id": SITE_B,
    "current_primary_site_id": SITE_A, "status": "active", "metadata_version": 4,
    "sync_status": "IN_SYNC", "last_sync_at": "2026-12-07T01:00:00+00:00",
    "last_replication_at": "2026-12-07T01:10:00+00:00",
    "created_at": "2026-12-07T00:00:00+00:00", "updated_at": None,
    "network_mapping": {}, "flavor_mapping": {},
}

MEMBERS = [
    {"id": "m1", "instance_id": "s1", "instance_name": "db", "status": "protected",
     "boot_order": 1, "volumes": []},
    {"id": "m2", "instance_id": "s2", "instance_name": "web", "status": "protected",
     "boot_order": 2, "volumes": []},
]

HEALTH = {"components": {"api": "ok", "database": "ok"}, "protection_groups": [{
    "protection_group_id": PG_ID, "name": "web-tier", "status": "active",
    "sync_status": "IN_SYNC", "last_replication_at": "2026-12-07T01:10:00+00:00",
    "replication_lag_seconds": 180.0, "rpo_minutes": 15, "rpo_compliant": True,
    "failover_ready": True, "blockers": []}]}

OPERATION = {
    "id": OP_ID, "project_id": "1", "protection_group_id": PG_ID,
    "operation_type": "test_failover", "failover_type": None, "status": "running",
    "progress": 40, "current_step": "boot servers",
    "steps_completed": ["check sites", "pick recovery point"], "steps_failed": [],
    "source_site_id": SITE_A, "target_site_id": SITE_B, "parameters": {},
    "result": {}, "error_message": None, "started_at": "2026-12-07T01:11:00+00:00",
    "completed_at": None, "created_at": "2026-12-07T01:11:00+00:00", "updated_at": None,
}


def pg(**changes):
    found = copy.deepcopy(PG)
    found.update(changes)
    return found


def operation(**changes):
    found = copy.deepcopy(OPERATION)
    found.update(changes)
    return found
