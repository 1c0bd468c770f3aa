"""A protection group's replication policy (the spec's "policies" rules)."""

from oslo_policy import policy

from protector.policies import base

BASE = "protector:policies:%s"
SHOW = BASE % "show"
CREATE = BASE % "create"

_PATH = "/v1/{project_id}/protection-groups/{pg}/policy"

rules = [
    policy.DocumentedRuleDefault(SHOW, base.RULE_DEFAULT,
                                 "Show a replication policy (tokens are never shown).",
                                 [{"method": "GET", "path": _PATH}]),
    policy.DocumentedRuleDefault(CREATE, base.RULE_DEFAULT,
                                 "Create, replace or delete a replication policy.",
                                 [{"method": "POST", "path": _PATH},
                                  {"method": "PUT", "path": _PATH},
                                  {"method": "DELETE", "path": _PATH}]),
]


def list_rules() -> list[policy.RuleDefault]:
    return rules
