"""Tenant mappings pair a project with its twin on the other site: admin only."""

from oslo_policy import policy

from protector.policies import base

BASE = "protector:tenant_mappings:%s"
INDEX = BASE % "index"
SHOW = BASE % "show"
CREATE = BASE % "create"
UPDATE = BASE % "update"
DELETE = BASE % "delete"

_PATH = "/v1/{project_id}/tenant-mappings"

rules = [
    policy.DocumentedRuleDefault(INDEX, base.RULE_ADMIN, "List tenant mappings.",
                                 [{"method": "GET", "path": _PATH}]),
    policy.DocumentedRuleDefault(SHOW, base.RULE_ADMIN, "Show a tenant mapping.",
                                 [{"method": "GET", "path": _PATH + "/{id}"}]),
    policy.DocumentedRuleDefault(CREATE, base.RULE_ADMIN, "Create a tenant mapping.",
                                 [{"method": "POST", "path": _PATH}]),
    policy.DocumentedRuleDefault(UPDATE, base.RULE_ADMIN, "Update a tenant mapping.",
                                 [{"method": "PUT", "path": _PATH + "/{id}"}]),
    policy.DocumentedRuleDefault(DELETE, base.RULE_ADMIN, "Delete a tenant mapping.",
                                 [{"method": "DELETE", "path": _PATH + "/{id}"}]),
]


def list_rules() -> list[policy.RuleDefault]:
    return rules
