"""Members of a protection group (the spec has no show rule; index covers it)."""

from oslo_policy import policy

from protector.policies import base

BASE = "protector:members:%s"
INDEX = BASE % "index"
CREATE = BASE % "create"
DELETE = BASE % "delete"

_PATH = "/v1/{project_id}/protection-groups/{pg}/members"

rules = [
    policy.DocumentedRuleDefault(INDEX, base.RULE_DEFAULT, "List or show members.",
                                 [{"method": "GET", "path": _PATH},
                                  {"method": "GET", "path": _PATH + "/{member}"}]),
    policy.DocumentedRuleDefault(CREATE, base.RULE_DEFAULT,
                                 "Add a server to a protection group, or change "
                                 "its boot order.",
                                 [{"method": "POST", "path": _PATH},
                                  {"method": "PUT", "path": _PATH + "/{member}"}]),
    policy.DocumentedRuleDefault(DELETE, base.RULE_DEFAULT,
                                 "Remove a server from a protection group.",
                                 [{"method": "DELETE", "path": _PATH + "/{member}"}]),
]


def list_rules() -> list[policy.RuleDefault]:
    return rules
