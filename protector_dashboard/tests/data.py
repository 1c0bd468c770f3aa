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


# -- dr_operations / dr_health ---------------------------------------------------

OP_B_ID = "e5e5e5e5-0000-4000-8000-000000000005"

# An unplanned failover that came up partly: "web" stayed on site-a, and
# the rollback of its target copies could not remove the array copies.
PARTIAL_FAILOVER = {
    "id": OP_B_ID, "project_id": "1", "protection_group_id": PG_ID,
    "operation_type": "failover", "failover_type": "unplanned", "status": "completed",
    "progress": 100, "current_step": None,
    "steps_completed": ["check sites", "boot db"], "steps_failed": [
        {"step": "boot web", "error": "No valid host was found"}],
    "source_site_id": SITE_A, "target_site_id": SITE_B, "parameters": {},
    "result": {"committed": True,
               "recovery_point": {"name": "pgroup-web.42",
                                  "created": "2026-12-07T01:50:00+00:00"},
               "left_behind": {"m2": "web: No valid host was found"},
               "leftovers": {"array copies": {"error": "array fa-b did not answer",
                                              "detail": ["m2"]}}},
    "error_message": "1 member(s) left behind on the site the protection group left, "
                     "run failover again to move them once fixed: web: No valid host "
                     "was found",
    "started_at": "2026-12-07T02:00:00+00:00", "completed_at": "2026-12-07T02:04:10+00:00",
    "created_at": "2026-12-07T02:00:00+00:00", "updated_at": None,
}


def steps(op=None, **changes):
    """GET /operations/{id}/steps of ``op`` (the running test failover)."""
    found = {
        "operation": copy.deepcopy(op or OPERATION),
        "source_site": "site-a", "target_site": "site-b",
        "recovery_point": {"name": "pgroup-web.41", "created": "2026-12-07T01:05:00+00:00"},
        "members": [{"id": "m1", "name": "db", "boot_order": 1},
                    {"id": "m2", "name": "web", "boot_order": 2}],
        "timeline": [
            {"step": "check sites", "member": None, "outcome": "success",
             "started_at": "2026-12-07T01:11:00+00:00",
             "finished_at": "2026-12-07T01:11:02+00:00", "error": None},
            {"step": "boot db", "member": "db", "outcome": "running",
             "started_at": "2026-12-07T01:12:00+00:00", "finished_at": None,
             "error": None},
        ],
    }
    found.update(changes)
    return found


def health_entry(**changes):
    found = copy.deepcopy(HEALTH["protection_groups"][0])
    found.update(changes)
    return found


# -- protection_groups panel ------------------------------------------------------

SYNC_IN = {"protection_group_id": PG_ID, "name": "web-tier", "peer_site": "site-b",
           "local_version": 4, "peer_version": 4, "status": "IN_SYNC",
           "last_sync_at": "2026-12-07T01:00:00+00:00"}
SYNC_UNREACHABLE = {"protection_group_id": PG_ID, "name": "web-tier", "peer_site": "site-b",
                    "local_version": 4, "peer_version": None, "status": "UNREACHABLE",
                    "last_sync_at": "2026-12-07T01:00:00+00:00",
                    "error": "protector of site-b at http://remote:8788 did not answer: "
                             "Connection refused"}

RECOVERY_POINTS = {"site": "site-b", "rpo_minutes": 15, "recovery_points": [
    {"name": "pgroup-web.42", "created_at": "2026-12-07T01:10:00+00:00", "complete": True,
     "progress": 100, "completed_at": "2026-12-07T01:10:30+00:00", "age_seconds": 180.0},
    {"name": "pgroup-web.43", "created_at": "2026-12-07T01:13:00+00:00", "complete": False,
     "progress": 40, "completed_at": None, "age_seconds": 20.0},
]}

POLICY = {"id": "p1", "protection_group_id": PG_ID,
          "primary_fa_url": "https://fa-a.example.com", "primary_fa_api_token": "******",
          "secondary_fa_url": "https://fa-b.example.com",
          "secondary_fa_api_token": "******", "pure_pg_name": "pg-web", "rpo_minutes": 15,
          "retention_short_term_seconds": 14400, "retention_per_day": 3,
          "retention_days": 7, "created_at": "2026-12-07T00:05:00+00:00",
          "updated_at": None}


def member(**changes):
    found = copy.deepcopy(MEMBERS[0])
    found.update(changes)
    return found
