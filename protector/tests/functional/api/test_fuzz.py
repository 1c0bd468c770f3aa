"""Schema-driven fuzzing: schemathesis generates requests from the API's own
OpenAPI document (valid and invalid bodies, odd query strings and path
segments); whatever it sends, the API must answer without a 5xx."""

import os

import hypothesis
import pytest
import schemathesis
import webtest

from protector.api import deploy
from protector.db import migration
from protector.engine import rpcapi
from protector.tests import fixtures
from protector.tests.functional.api import helpers

# These reach out to the registered site's Keystone: fuzzed auth_urls must
# never turn into traffic, so they are tested in test_site_checks.py only.
OUTBOUND = ("validate", "volume-types")


@pytest.fixture
def fuzz_app(conf, peers, monkeypatch):
    monkeypatch.setattr(rpcapi.EngineAPI, "__init__", lambda self: None)
    monkeypatch.setattr(rpcapi.EngineAPI, "run_operation", lambda *args: None)
    migration.upgrade()
    app = deploy.load_app(os.path.abspath(fixtures.PASTE_INI))
    client = webtest.TestApp(app)
    admin = {**fixtures.IDENTITIES["admin"], "OpenStack-API-Version": "protector 1.2"}
    for site in (helpers.SITE_A, helpers.SITE_B):
        client.post_json(f"/v1/{fixtures.ADMIN_PROJECT}/sites", site, headers=admin)
    client.post_json(f"/v1/{fixtures.ADMIN_PROJECT}/tenant-mappings",
                     {"local_tenant": fixtures.OWNER_PROJECT, "remote_site": "site-b",
                      "remote_tenant": "f" * 32}, headers=admin)
    client.post_json(f"/v1/{fixtures.OWNER_PROJECT}/protection-groups", helpers.pg_body(),
                     headers=admin)
    client.post_json(f"/v1/{fixtures.OWNER_PROJECT}/protection-groups/pg1/policy",
                     helpers.POLICY, headers=admin)
    return app


_KNOWN = {"project_id": fixtures.OWNER_PROJECT, "pg_id": "pg1", "site_id": "site-a"}
HEADERS = {**fixtures.IDENTITIES["admin"], "OpenStack-API-Version": "protector 1.2"}


def _aim(case: schemathesis.Case) -> None:
    """Half the time aim at objects that exist, so handlers run past lookup."""
    for name, known in _KNOWN.items():
        value = (case.path_parameters or {}).get(name)
        if value is not None and (name == "project_id" or len(value) % 2 == 0):
            case.path_parameters[name] = known


def test_no_request_yields_a_5xx(fuzz_app):
    schema = schemathesis.openapi.from_wsgi("/openapi.json", fuzz_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    checked = 0
    for operation in operations:
        if any(word in operation.path for word in OUTBOUND):
            continue

        @hypothesis.given(case=operation.as_strategy())
        @hypothesis.settings(max_examples=25, deadline=None, database=None,
                             suppress_health_check=list(hypothesis.HealthCheck))
        def check(case: schemathesis.Case) -> None:
            _aim(case)
            response = case.call(headers=HEADERS)
            assert response.status_code < 500, (case.method, case.formatted_path,
                                                response.text[:500])
            if response.status_code >= 400:
                assert response.json()["error"]["message"]

        check()
        checked += 1
    assert checked >= 20  # every route but the outbound ones was fuzzed
