"""RBAC matrix: every rule of the spec's policy.yaml (and the admin-only
resources) for admin, the owner project, another project and no identity;
once with the defaults in code and once with the spec's file as override.
"""

import os
import shutil

import pytest

from protector import context, policy
from protector.db import operations as op_db
from protector.engine import rpcapi
from protector.tests import fixtures
from protector.tests.functional.api import helpers

SPEC_POLICY = os.path.join(os.path.dirname(fixtures.PASTE_INI), "policy.yaml")
SERVER = "8d3c0f0e-6a43-4e8f-9f7e-3b1b7a1d2c40"
PG = "/v1/{p}/protection-groups/pg1"

# rule -> (method, path, body); {p} is the owner's project.
PROJECT_RULES = {
    "protector:protection_groups:index": ("get", "/v1/{p}/protection-groups", None),
    "protector:protection_groups:show": ("get", PG, None),
    "protector:protection_groups:create": ("post", "/v1/{p}/protection-groups",
                                           helpers.pg_body("pg2")),
    "protector:protection_groups:update": ("put", PG, {"description": "x"}),
    "protector:protection_groups:delete": ("delete", "/v1/{p}/protection-groups/pg-empty",
                                           None),
    "protector:members:index": ("get", PG + "/members", None),
    "protector:members:create": ("post", PG + "/members",
                                 {"instance_id": "0b5d2a6e-1f7c-4f43-8e0a-5c2b9d3e4f61"}),
    "protector:members:delete": ("delete", PG + "/members/" + SERVER, None),
    "protector:operations:index": ("get", "/v1/{p}/operations", None),
    "protector:operations:show": ("get", "/v1/{p}/operations/{op}", None),
    "protector:operations:action": ("post", PG + "/action",
                                    {"test_failover": {"auto_network": True}}),
    "protector:policies:show": ("get", PG + "/policy", None),
    "protector:policies:create": ("put", PG + "/policy", {"rpo_minutes": 30}),
}
ADMIN_RULES = {
    "protector:sites:index": ("get", "/v1/{p}/sites", None),
    "protector:sites:show": ("get", "/v1/{p}/sites/site-a", None),
    "protector:sites:create": ("post", "/v1/{p}/sites",
                               dict(helpers.SITE_A, name="site-c")),
    "protector:sites:update": ("put", "/v1/{p}/sites/site-a", {"description": "x"}),
    "protector:sites:delete": ("delete", "/v1/{p}/sites/site-spare", None),
    "protector:tenant_mappings:index": ("get", "/v1/{p}/tenant-mappings", None),
    "protector:tenant_mappings:create": ("post", "/v1/{p}/tenant-mappings",
                                         {"local_tenant": "abc", "remote_site": "site-b",
                                          "remote_tenant": "def"}),
    "protector:tenant_mappings:show": ("get", "/v1/{p}/tenant-mappings/{tm}", None),
    "protector:tenant_mappings:update": ("put", "/v1/{p}/tenant-mappings/{tm}",
                                         {"description": "x"}),
    "protector:tenant_mappings:delete": ("delete", "/v1/{p}/tenant-mappings/{tm}", None),
}
# Admins pass these too; that path reaches the site's Keystone and is
# covered in test_site_checks.py.
ADMIN_ONLY_REMOTE = {
    "protector:sites:validate": ("post", "/v1/{p}/sites/site-a/validate", None),
    "protector:sites:volume_types": ("get", "/v1/{p}/sites/site-a/volume-types", None),
}
EXPECTED_PROJECT = {"admin": True, "owner": True, "other": 403, "anonymous": 401}
EXPECTED_ADMIN = {"admin": True, "owner": 403, "other": 403, "anonymous": 401}


@pytest.fixture(params=["defaults", "spec-file"])
def policy_source(request, conf, tmp_path):
    if request.param == "spec-file":
        shutil.copy(SPEC_POLICY, conf.oslo_policy.policy_file)
    policy.reset()
    return request.param


@pytest.fixture
def world(policy_source, sqlite_api, monkeypatch):
    # Accepted actions are cast to an engine; record instead of sending.
    monkeypatch.setattr(rpcapi.EngineAPI, "__init__", lambda self: None)
    monkeypatch.setattr(rpcapi.EngineAPI, "run_operation", lambda *args: None)
    admin = sqlite_api["admin"]
    helpers.make_sites(admin)
    admin.post(f"/v1/{admin.project}/sites", dict(helpers.SITE_A, name="site-spare"),
               status=201)
    tm = admin.get(f"/v1/{admin.project}/tenant-mappings?local_tenant="
                   f"{fixtures.OWNER_PROJECT}").json["tenant_mappings"][0]
    owner = sqlite_api["owner"]
    helpers.make_pg(owner)
    helpers.make_pg(owner, "pg-empty")
    base = f"/v1/{owner.project}/protection-groups/pg1"
    owner.post(base + "/members", {"instance_id": SERVER}, status=201)
    owner.post(base + "/policy", helpers.POLICY, status=201)
    op = op_db.create(context.get_admin_context(), {
        "project_id": owner.project, "operation_type": "test_failover",
        "status": "completed"})
    return sqlite_api, {"op": op.id, "tm": tm["id"]}


def _call(client, method, path, body, ids):
    path = path.format(p=fixtures.OWNER_PROJECT, **ids)
    if body is None:
        return getattr(client, method)(path)
    return getattr(client, method)(path, body)


@pytest.mark.parametrize("who", sorted(EXPECTED_PROJECT))
@pytest.mark.parametrize("rule", sorted(PROJECT_RULES))
def test_project_rules(world, rule, who):
    clients, op_id = world
    resp = _call(clients[who], *PROJECT_RULES[rule], op_id)
    expected = EXPECTED_PROJECT[who]
    if expected is True:
        assert resp.status_int < 300, (rule, who, resp.text)
    else:
        assert resp.status_int == expected, (rule, who, resp.text)
        assert resp.json["error"]["message"]


@pytest.mark.parametrize("who", sorted(EXPECTED_ADMIN))
@pytest.mark.parametrize("rule", sorted(ADMIN_RULES))
def test_admin_rules(world, rule, who):
    clients, op_id = world
    resp = _call(clients[who], *ADMIN_RULES[rule], op_id)
    expected = EXPECTED_ADMIN[who]
    if expected is True:
        assert resp.status_int < 300, (rule, who, resp.text)
    else:
        assert resp.status_int == expected, (rule, who, resp.text)


@pytest.mark.parametrize("who", ["owner", "other", "anonymous"])
@pytest.mark.parametrize("rule", sorted(ADMIN_ONLY_REMOTE))
def test_admin_only_remote_rules(world, rule, who):
    clients, ids = world
    resp = _call(clients[who], *ADMIN_ONLY_REMOTE[rule], ids)
    assert resp.status_int == EXPECTED_ADMIN[who], (rule, who, resp.text)


def test_override_file_takes_effect(conf, sqlite_api, tmp_path):
    """A rule in the file wins over the code default."""
    with open(conf.oslo_policy.policy_file, "w") as f:
        f.write('"protector:protection_groups:index": "role:auditor"\n')
    policy.reset()
    owner = sqlite_api["owner"]
    owner.get(f"/v1/{owner.project}/protection-groups", status=403)
