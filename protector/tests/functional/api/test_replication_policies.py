"""Replication policies: tokens are write-only and encrypted at rest."""

import logging

import sqlalchemy

from protector.db import session
from protector.tests.functional.api import helpers


def test_policy_crud_tokens_never_returned(api, caplog):
    caplog.set_level(logging.DEBUG)
    helpers.make_sites(api["admin"])
    owner = api["owner"]
    helpers.make_pg(owner)
    base = f"/v1/{owner.project}/protection-groups/pg1/policy"
    created = owner.post(base, helpers.POLICY, status=201)
    body = created.json["policy"]
    assert body["rpo_minutes"] == 15
    assert body["retention_short_term_seconds"] == 14400
    assert body["primary_fa_api_token"] == "******"
    for resp in (created, owner.get(base, status=200),
                 owner.put(base, {"rpo_minutes": 5}, status=200)):
        assert "token-a-7f3e9c" not in resp.text
        assert "token-b-1d2c4b" not in resp.text
    assert owner.get(base).json["policy"]["rpo_minutes"] == 5

    with session.get_engine().connect() as conn:
        stored = conn.execute(sqlalchemy.text(
            "SELECT primary_fa_api_token_encrypted FROM replication_policies")).scalar()
    assert stored.startswith("fernet:") and "token-a-7f3e9c" not in stored
    assert "token-a-7f3e9c" not in caplog.text

    owner.post(base, helpers.POLICY, status=409)
    owner.delete(base, status=204)
    resp = owner.get(base, status=404)
    assert "policy create" in resp.json["error"]["message"]


def test_policy_validation(api):
    helpers.make_sites(api["admin"])
    owner = api["owner"]
    helpers.make_pg(owner)
    base = f"/v1/{owner.project}/protection-groups/pg1/policy"
    resp = owner.post(base, dict(helpers.POLICY, rpo_minutes=0), status=400)
    assert "'rpo_minutes'" in resp.json["error"]["message"]
    resp = owner.post(base, {"rpo_minutes": 15}, status=400)
    assert "primary_fa_url" in resp.json["error"]["message"]
    resp = owner.put(base, {"rpo_minutes": 10}, status=404)


def test_secret_key_file_is_private(api, conf):
    import os
    import stat
    helpers.make_sites(api["admin"])
    owner = api["owner"]
    helpers.make_pg(owner)
    owner.post(f"/v1/{owner.project}/protection-groups/pg1/policy", helpers.POLICY,
               status=201)
    mode = stat.S_IMODE(os.stat(conf.secret_key_file).st_mode)
    assert mode == 0o600
