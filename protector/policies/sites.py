"""Sites are registered and inspected by administrators only."""

from oslo_policy import policy

from protector.policies import base

BASE = "protector:sites:%s"
INDEX = BASE % "index"
SHOW = BASE % "show"
CREATE = BASE % "create"
UPDATE = BASE % "update"
DELETE = BASE % "delete"
VALIDATE = BASE % "validate"
VOLUME_TYPES = BASE % "volume_types"
NAMES = BASE % "names"

_PATH = "/v1/{project_id}/sites"

rules = [
    policy.DocumentedRuleDefault(INDEX, base.RULE_ADMIN, "List sites.",
                                 [{"method": "GET", "path": _PATH}]),
    policy.DocumentedRuleDefault(SHOW, base.RULE_ADMIN, "Show a site.",
                                 [{"method": "GET", "path": _PATH + "/{site}"}]),
    policy.DocumentedRuleDefault(CREATE, base.RULE_ADMIN, "Register a site.",
                                 [{"method": "POST", "path": _PATH}]),
    policy.DocumentedRuleDefault(UPDATE, base.RULE_ADMIN, "Update a site.",
                                 [{"method": "PUT", "path": _PATH + "/{site}"}]),
    policy.DocumentedRuleDefault(DELETE, base.RULE_ADMIN, "Delete a site.",
                                 [{"method": "DELETE", "path": _PATH + "/{site}"}]),
    policy.DocumentedRuleDefault(
        VALIDATE, base.RULE_ADMIN,
        "Check that a site's Keystone, Nova, Cinder and Neutron answer.",
        [{"method": "POST", "path": _PATH + "/{site}/validate"}]),
    policy.DocumentedRuleDefault(
        VOLUME_TYPES, base.RULE_ADMIN, "List a site's replicated volume types.",
        [{"method": "GET", "path": _PATH + "/{site}/volume-types"}]),
    # Tenants see their PGs' sites by name (the dashboard, the CLI); the
    # directory holds no URL or credential.
    policy.DocumentedRuleDefault(
        NAMES, base.RULE_DEFAULT, "List the sites' ids and names.",
        [{"method": "GET", "path": "/v1/{project_id}/site-names"}]),
]


def list_rules() -> list[policy.RuleDefault]:
    return rules
