"""The spec's api-paste.ini with keystonemiddleware: no token is a 401, a
valid token reaches the API as its user and project."""

import os

import pytest
import webtest
from keystoneauth1 import session as ks_session
from keystoneauth1.identity import v3

from protector.api import deploy
from protector.clients import trusts
from protector.conf import keystone_authtoken
from protector.db import migration
from protector.tests import fake_openstack, fixtures


@pytest.fixture
def keystone_app(conf):
    site = fake_openstack.FakeSite()
    with fake_openstack.serve(site):
        conf.set_override("auth_strategy", "keystone", group="api")
        keystone_authtoken.register_password_opts(conf)
        for key, value in {"www_authenticate_uri": f"{site.url}/identity/v3",
                           "auth_url": f"{site.url}/identity/v3",
                           "auth_type": "password", "username": "protector",
                           "password": site.password, "project_name": "service",
                           "user_domain_name": "Default",
                           "project_domain_name": "Default"}.items():
            conf.set_override(key, value, group="keystone_authtoken")
        migration.upgrade()
        app = webtest.TestApp(deploy.load_app(os.path.abspath(fixtures.PASTE_INI)))
        yield app, site
        trusts.forget()
        for key in ("www_authenticate_uri", "auth_url", "auth_type", "username",
                    "password", "project_name", "user_domain_name",
                    "project_domain_name"):
            conf.clear_override(key, group="keystone_authtoken")


def _token(site, username):
    auth = v3.Password(auth_url=f"{site.url}/identity/v3", username=username,
                       password=site.password, project_id="d" * 32,
                       user_domain_name="Default", project_domain_name="Default")
    return ks_session.Session(auth=auth).get_token()


def test_no_token_is_401(keystone_app):
    app, site = keystone_app
    resp = app.get(f"/v1/{'d' * 32}/protection-groups", status=401)
    assert "www_authenticate_uri" not in resp.text
    assert site.url in resp.headers["WWW-Authenticate"]


def test_bad_token_is_401(keystone_app):
    app, _ = keystone_app
    app.get(f"/v1/{'d' * 32}/protection-groups", status=401,
            headers={"X-Auth-Token": "not-a-token"})


def test_valid_token_reaches_the_api(keystone_app):
    app, site = keystone_app
    token = _token(site, "demo")
    resp = app.get(f"/v1/{'d' * 32}/protection-groups", status=200,
                   headers={"X-Auth-Token": token})
    assert resp.json == {"protection_groups": []}
    # A member token may not list another project's PGs, nor sites.
    app.get(f"/v1/{'e' * 32}/protection-groups", status=403,
            headers={"X-Auth-Token": token})
    app.get(f"/v1/{'d' * 32}/sites", status=403, headers={"X-Auth-Token": token})


def test_first_request_creates_one_trust(keystone_app):
    app, site = keystone_app
    token = _token(site, "demo")
    for _ in range(2):
        app.get(f"/v1/{'d' * 32}/protection-groups", status=200,
                headers={"X-Auth-Token": token})
    (trust,) = site.trusts
    assert trust["trustor_user_id"] == "id-demo"
    assert trust["trustee_user_id"] == "id-protector"
    assert trust["project_id"] == "d" * 32
    assert trust["impersonation"] is True
    assert [r["name"] for r in trust["roles"]] == ["member"]


def test_version_document_needs_no_token(keystone_app):
    app, _ = keystone_app
    assert app.get("/", status=200).json["versions"][0]["id"] == "v1"
