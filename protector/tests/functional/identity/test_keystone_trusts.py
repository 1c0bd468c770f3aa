"""Against a real Keystone (the lab's, started if needed): keystonemiddleware
validates real tokens, a project's first request creates a real trust, and
the engine's trust-scoped session acts in the project as its user."""

import os
import time

import pytest
import webtest
from keystoneauth1 import session as ks_session
from keystoneclient.v3 import client as ks_client

from protector import context
from protector.api import deploy
from protector.clients import trusts
from protector.conf import keystone_authtoken
from protector.db import migration
from protector.db import sites as sites_db
from protector.db import trusts as trusts_db
from protector.tests import fixtures

pytestmark = pytest.mark.keystone


@pytest.fixture(scope="module")
def keystone():
    from protector.lab import keystone as lab_keystone
    try:
        return lab_keystone.running_keystone("a")
    except Exception as exc:  # noqa: BLE001 - reported as the reason below
        if os.environ.get("PROTECTOR_KEYSTONE_REQUIRED") == "1":
            raise
        pytest.skip(f"no real Keystone could be started: {exc}")


@pytest.fixture
def app(conf, keystone):
    keystone_authtoken.register_password_opts(conf)
    # Unversioned, as the spec's protector.conf template writes them.
    unversioned = keystone.url.removesuffix("/v3")
    values = {"www_authenticate_uri": unversioned, "auth_url": unversioned,
              "auth_type": "password", "username": keystone.protector.username,
              "password": keystone.protector.password,
              "project_name": keystone.protector.project_name,
              "user_domain_name": "Default", "project_domain_name": "Default"}
    for key, value in values.items():
        conf.set_override(key, value, group="keystone_authtoken")
    conf.set_override("auth_strategy", "keystone", group="api")
    migration.upgrade()
    trusts.forget()
    yield webtest.TestApp(deploy.load_app(os.path.abspath(fixtures.PASTE_INI)))
    trusts.forget()
    for key in values:
        conf.clear_override(key, group="keystone_authtoken")
    conf.clear_override("default_trust_roles", group="service_credentials")


def _admin_keystone(keystone):
    return ks_client.Client(session=keystone.session("admin"), interface="public")


def _delete_trusts(keystone, trustor):
    admin = _admin_keystone(keystone)
    for trust in admin.trusts.list(trustor_user=trustor):
        admin.trusts.delete(trust)


def test_tokens_are_validated_for_real(app, keystone):
    demo_project = keystone.project_ids["demo"]
    app.get(f"/v1/{demo_project}/protection-groups", status=401)
    app.get(f"/v1/{demo_project}/protection-groups", status=401,
            headers={"X-Auth-Token": "gAAAAA-not-a-token"})


def test_first_request_creates_a_trust_the_engine_can_use(app, keystone):
    demo_project, demo_user = keystone.project_ids["demo"], keystone.user_ids["demo"]
    _delete_trusts(keystone, demo_user)
    token = keystone.session("demo").get_token()
    for _ in range(2):
        resp = app.get(f"/v1/{demo_project}/protection-groups", status=200,
                       headers={"X-Auth-Token": token})
        assert resp.json == {"protection_groups": []}

    admin = _admin_keystone(keystone)
    (listed,) = admin.trusts.list(trustor_user=demo_user)
    trust = admin.trusts.get(listed.id)
    assert trust.trustee_user_id == keystone.user_ids["protector"]
    assert trust.project_id == demo_project
    assert trust.impersonation is True and trust.expires_at is None
    # default_trust_roles (member, _member_) that the demo user holds.
    delegated = sorted(r["name"] for r in trust.roles)
    assert "member" in delegated and set(delegated) <= {"member", "_member_"}
    stored = trusts_db.get(context.get_admin_context(), demo_project)
    assert stored.trust_id == trust.id and sorted(stored.roles) == delegated

    # The engine's session: acts in the demo project, as the demo user.
    sess = trusts.trust_session(context.get_admin_context(), demo_project)
    access = sess.auth.get_access(sess)
    assert access.project_id == demo_project
    assert access.trust_id == trust.id
    assert access.user_id == demo_user  # impersonation
    assert "member" in access.role_names
    # ... and the token works against Keystone itself.
    me = ks_session.Session(auth=sess.auth).get(
        f"{keystone.url}/auth/projects", raise_exc=False)
    assert me.status_code == 200
    _delete_trusts(keystone, demo_user)


def test_user_without_the_trust_roles_gets_a_clear_error(app, keystone, conf):
    demo_project = keystone.project_ids["demo"]
    _delete_trusts(keystone, keystone.user_ids["demo"])
    conf.set_override("default_trust_roles", ["dr_operator"], group="service_credentials")
    token = keystone.session("demo").get_token()
    resp = app.get(f"/v1/{demo_project}/protection-groups", status=403,
                   headers={"X-Auth-Token": token})
    message = resp.json["error"]["message"]
    assert message.startswith("Could not create trust")
    assert "dr_operator" in message and "default_trust_roles" in message


def test_service_user_without_admin_is_named(app, keystone, conf):
    conf.set_override("username", keystone.demo.username, group="keystone_authtoken")
    conf.set_override("password", keystone.demo.password, group="keystone_authtoken")
    conf.set_override("project_name", keystone.demo.project_name, group="keystone_authtoken")
    trusts.forget()
    with pytest.raises(trusts.TrustError, match="has no admin role in project demo"):
        trusts.service_user_id()


def test_engine_redeems_the_peer_sites_trust_with_that_sites_credentials(
        app, keystone, conf, peers):
    """The engine of site-a acting in site-b's cloud: site-b's protector
    tells the trust id, site-a redeems it at site-b's Keystone with the
    service credentials of the site-b record (one Keystone plays site-b)."""
    demo_project, demo_user = keystone.project_ids["demo"], keystone.user_ids["demo"]
    _delete_trusts(keystone, demo_user)
    token = keystone.session("demo").get_token()
    app.get(f"/v1/{demo_project}/protection-groups", headers={"X-Auth-Token": token})
    ctx = context.get_admin_context()
    trust_id = trusts_db.get(ctx, demo_project).trust_id
    sites_db.create(ctx, {"name": "site-a", "site_type": "primary",
                          "auth_url": "http://127.0.0.9:5000/v3"})
    site_b = sites_db.create(ctx, {"name": "site-b", "site_type": "secondary",
                                   "auth_url": keystone.url})
    with pytest.raises(trusts.TrustError, match="no trust for project"):
        trusts.trust_session(ctx, demo_project, site_b)
    peers["site-b"].trusts[demo_project] = trust_id
    sess = trusts.trust_session(ctx, demo_project, site_b)
    access = sess.auth.get_access(sess)
    assert access.trust_id == trust_id and access.project_id == demo_project
    assert access.user_id == demo_user
    _delete_trusts(keystone, demo_user)


def test_a_trust_gone_from_keystone_is_made_again(app, keystone, monkeypatch):
    """The lab saw it: a trust deleted in Keystone behind protector's back
    made every operation of the project fail with 401 for good. The engine
    now says what happened and forgets it; the project's next API request
    makes a new one (an API process looks again within _RECHECK seconds)."""
    demo_project, demo_user = keystone.project_ids["demo"], keystone.user_ids["demo"]
    _delete_trusts(keystone, demo_user)
    token = keystone.session("demo").get_token()
    headers = {"X-Auth-Token": token}
    app.get(f"/v1/{demo_project}/protection-groups", status=200, headers=headers)
    ctx = context.get_admin_context()
    first = trusts_db.get(ctx, demo_project).trust_id
    _delete_trusts(keystone, demo_user)  # an admin cleaning up Keystone

    with pytest.raises(trusts.TrustError, match="no longer honours the trust"):
        trusts.trust_session(ctx, demo_project)
    assert trusts_db.get(ctx, demo_project) is None

    # Another API process still remembers the trust it found; it looks
    # again once _RECHECK has passed.
    trusts._known[demo_project] = time.monotonic()
    app.get(f"/v1/{demo_project}/protection-groups", status=200, headers=headers)
    assert trusts_db.get(ctx, demo_project) is None
    monkeypatch.setattr(trusts, "_RECHECK", 0.0)
    app.get(f"/v1/{demo_project}/protection-groups", status=200, headers=headers)
    second = trusts_db.get(ctx, demo_project).trust_id
    assert second != first
    sess = trusts.trust_session(ctx, demo_project)
    assert sess.auth.get_access(sess).trust_id == second
    _delete_trusts(keystone, demo_user)
